//! gdbstub's view of the machine: one thread per hart, registers (`regs`),
//! memory through the hart's translation (`memory`), resume and single-step,
//! breakpoints and watchpoints (`stops`), and the target description.
//!
//! A debugger's bad request (an unknown thread, an unmapped address, a CSR
//! sv39 lacks) is answered with an error packet; nothing here fails the
//! session or the host.

use super::session::{tid, Actions, Session};
use super::stops::Watchpoint;
use super::{memory, regs};
use gdbstub::common::{Signal, Tid};
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadResume, MultiThreadResumeOps, MultiThreadSchedulerLocking,
    MultiThreadSchedulerLockingOps, MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::single_register_access::{SingleRegisterAccess, SingleRegisterAccessOps};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, HwWatchpoint, HwWatchpointOps, SwBreakpoint, SwBreakpointOps, WatchKind,
};
use gdbstub::target::ext::target_description_xml_override::{
    TargetDescriptionXmlOverride, TargetDescriptionXmlOverrideOps,
};
use gdbstub::target::ext::thread_extra_info::{ThreadExtraInfo, ThreadExtraInfoOps};
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::riscv::reg::id::RiscvRegId;
use gdbstub_arch::riscv::reg::RiscvCoreRegs;
use gdbstub_arch::riscv::Riscv64;
use std::convert::Infallible;

/// The errno GDB gets for an address that cannot be accessed.
const EFAULT: u8 = 14;

impl Session<'_> {
    /// The hart of `tid`, or a non-fatal error for GDB.
    fn hart_of(&self, tid: Tid) -> TargetResult<usize, Self> {
        self.hart(tid).ok_or(TargetError::NonFatal)
    }
}

impl Target for Session<'_> {
    type Arch = Riscv64;
    type Error = Infallible;

    fn base_ops(&mut self) -> BaseOps<'_, Riscv64, Infallible> {
        BaseOps::MultiThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_target_description_xml_override(&mut self) -> Option<TargetDescriptionXmlOverrideOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadBase for Session<'_> {
    fn read_registers(&mut self, regs: &mut RiscvCoreRegs<u64>, tid: Tid) -> TargetResult<(), Self> {
        let h = &self.m.harts[self.hart_of(tid)?];
        regs.x = h.x;
        regs.pc = h.pc;
        Ok(())
    }

    fn write_registers(&mut self, regs: &RiscvCoreRegs<u64>, tid: Tid) -> TargetResult<(), Self> {
        let i = self.hart_of(tid)?;
        let h = &mut self.m.harts[i];
        for (r, &v) in regs.x.iter().enumerate() {
            h.set_reg(r as u8, v);
        }
        h.pc = regs.pc & !1;
        Ok(())
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, Tid, Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start: u64, data: &mut [u8], tid: Tid) -> TargetResult<usize, Self> {
        let i = self.hart_of(tid)?;
        match memory::read(&self.m.harts[i], &mut self.m.bus, start, data) {
            0 if !data.is_empty() => Err(TargetError::Errno(EFAULT)),
            n => Ok(n),
        }
    }

    fn write_addrs(&mut self, start: u64, data: &[u8], tid: Tid) -> TargetResult<(), Self> {
        let i = self.hart_of(tid)?;
        memory::write(&self.m.harts[i], &mut self.m.bus, start, data).ok_or(TargetError::Errno(EFAULT))
    }

    fn list_active_threads(&mut self, thread_is_active: &mut dyn FnMut(Tid)) -> Result<(), Infallible> {
        (0..self.m.harts.len()).for_each(|i| thread_is_active(tid(i)));
        Ok(())
    }

    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }

    fn support_thread_extra_info(&mut self) -> Option<ThreadExtraInfoOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<Tid> for Session<'_> {
    fn read_register(&mut self, tid: Tid, reg: RiscvRegId<u64>, buf: &mut [u8]) -> TargetResult<usize, Self> {
        let i = self.hart_of(tid)?;
        Ok(regs::read(&mut self.m.harts[i], &mut self.m.bus, reg, buf))
    }

    fn write_register(&mut self, tid: Tid, reg: RiscvRegId<u64>, val: &[u8]) -> TargetResult<(), Self> {
        let i = self.hart_of(tid)?;
        regs::write(&mut self.m.harts[i], reg, val).ok_or(TargetError::NonFatal)
    }
}

/// Signals cannot be delivered to a machine: resuming "with a signal" resumes.
impl MultiThreadResume for Session<'_> {
    fn resume(&mut self) -> Result<(), Infallible> {
        self.resume = self.actions.resume();
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), Infallible> {
        self.actions = Actions::default();
        Ok(())
    }

    fn set_resume_action_continue(&mut self, tid: Tid, _signal: Option<Signal>) -> Result<(), Infallible> {
        if let Some(i) = self.hart(tid) {
            self.actions.named.push(i);
        }
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }
}

/// A `vCont` without a wildcard continue: the harts it does not name stay.
impl MultiThreadSchedulerLocking for Session<'_> {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), Infallible> {
        self.actions.locked = true;
        Ok(())
    }
}

impl MultiThreadSingleStep for Session<'_> {
    fn set_resume_action_step(&mut self, tid: Tid, _signal: Option<Signal>) -> Result<(), Infallible> {
        if let Some(i) = self.hart(tid) {
            self.actions.step = Some(i);
        }
        Ok(())
    }
}

impl Breakpoints for Session<'_> {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

/// Breakpoints live in `Stops`, not in guest memory: the kind (instruction
/// size) does not matter.
impl SwBreakpoint for Session<'_> {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        self.stops().add_breakpoint(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.stops().remove_breakpoint(addr))
    }
}

impl HwWatchpoint for Session<'_> {
    fn add_hw_watchpoint(&mut self, addr: u64, len: u64, kind: WatchKind) -> TargetResult<bool, Self> {
        self.stops().add_watchpoint(Watchpoint { addr, len: len.max(1), kind });
        Ok(true)
    }

    fn remove_hw_watchpoint(&mut self, addr: u64, len: u64, kind: WatchKind) -> TargetResult<bool, Self> {
        Ok(self.stops().remove_watchpoint(Watchpoint { addr, len: len.max(1), kind }))
    }
}

impl TargetDescriptionXmlOverride for Session<'_> {
    fn target_description_xml(
        &self,
        annex: &[u8],
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let xml = match annex {
            b"target.xml" => self.xml.as_bytes(),
            regs::CPU_ANNEX => regs::cpu_xml().as_bytes(),
            _ => return Err(TargetError::NonFatal),
        };
        Ok(copy_range(xml, offset, length, buf))
    }
}

impl ThreadExtraInfo for Session<'_> {
    fn thread_extra_info(&self, tid: Tid, buf: &mut [u8]) -> Result<usize, Infallible> {
        let Some(i) = self.hart(tid) else { return Ok(0) };
        let h = &self.m.harts[i];
        let info = format!("hart {i}, {}-mode{}", h.prv.letter(), if h.wfi { ", in wfi" } else { "" });
        Ok(copy_range(info.as_bytes(), 0, buf.len(), buf))
    }
}

/// Copies up to `length` bytes of `data` from `offset` into `buf`; the count.
fn copy_range(data: &[u8], offset: u64, length: usize, buf: &mut [u8]) -> usize {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(data.len());
    let n = (data.len() - start).min(length).min(buf.len());
    buf[..n].copy_from_slice(&data[start..start + n]);
    n
}
