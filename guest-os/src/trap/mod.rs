//! Traps: the entry and exit code (entry.S), the trap frame, and dispatch of
//! user traps (system calls, faults, interrupts) and kernel traps (interrupts
//! while idle, and user-access faults inside copy_user, which resume at its
//! recovery point). Anything else in the kernel is a panic.

mod fault;

use crate::{cpu, drivers, proc, syscall, timer};
use core::arch::global_asm;
use sv39_arch::cause::{exc, irq, INTERRUPT_BIT};
use sv39_arch::csr::mip;
use sv39_arch::csr::mstatus;

global_asm!(include_str!("entry.S"));

extern "C" {
    fn trap_vector();
    fn return_to_user(frame: *mut TrapFrame) -> !;
}

/// The registers of an interrupted context (layout fixed by entry.S).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TrapFrame {
    /// x0-x31 (x0 unused).
    pub regs: [u64; 32],
    pub sepc: u64,
    pub sstatus: u64,
    /// The kernel stack pointer to use on the next trap from user mode.
    pub kernel_sp: u64,
    /// a0 as the last system call found it (a restarted call needs it).
    pub orig_a0: u64,
}

const _: () = assert!(core::mem::size_of::<TrapFrame>() == 288);

impl TrapFrame {
    /// A fresh user context: pc `entry`, stack `sp`, interrupts on in U-mode.
    pub fn user(entry: u64, sp: u64, kernel_sp: u64) -> TrapFrame {
        let mut f =
            TrapFrame { sepc: entry, sstatus: mstatus::SPIE | mstatus::FS_INITIAL, kernel_sp, ..TrapFrame::default() };
        f.regs[2] = sp;
        f
    }

    /// System-call argument `i` (a0-a5).
    pub fn arg(&self, i: usize) -> u64 {
        self.regs[10 + i]
    }
}

/// Points stvec at the trap entry and enables the timer and external
/// interrupt sources (taken only while SIE is set: in U-mode and when idle).
pub fn init() {
    cpu::set_sscratch(0);
    cpu::set_stvec(trap_vector as *const () as u64);
    cpu::enable_interrupt_sources(mip::STIP | mip::SEIP);
}

/// Serves interrupt `code`; returns whether it was the timer.
fn interrupt(code: u64) -> bool {
    match code {
        irq::STI => {
            timer::tick();
            true
        }
        irq::SEI => {
            drivers::serve_external();
            false
        }
        _ => false,
    }
}

/// A trap from U-mode (entry.S). Never returns: leaves by return_to_user.
#[no_mangle]
extern "C" fn user_trap(frame: &mut TrapFrame) -> ! {
    proc::fpu::save(&proc::scheduler::current(), frame);
    let scause = cpu::scause();
    if scause & INTERRUPT_BIT != 0 {
        if interrupt(scause & !INTERRUPT_BIT) {
            proc::scheduler::yield_now();
        }
    } else if scause == exc::ECALL_FROM_U {
        frame.sepc += 4;
        frame.orig_a0 = frame.regs[10];
        let ret = syscall::dispatch(frame);
        frame.regs[10] = ret as u64;
        if ret == sv39_abi::Errno::EINTR.to_ret() {
            proc::scheduler::current().interrupted_syscall.set(Some(frame.regs[17] as usize));
        }
    } else {
        fault::user_fault(frame, scause, cpu::stval());
    }
    let p = proc::scheduler::current();
    proc::signal::deliver(&p, frame);
    if let Some(sig) = p.killed.get() {
        drop(p);
        proc::exit_group(sv39_abi::wait::W_TERMSIG_STATUS(sig));
    }
    let frame = p.trap_frame();
    // SAFETY: the current process's own trap frame.
    proc::fpu::restore(&p, unsafe { &*frame });
    drop(p);
    // SAFETY: the current process's own trap frame.
    unsafe { return_to_user(frame) }
}

/// A trap from S-mode (entry.S): an interrupt while idle, or a fault in
/// copy_user. Returns to the interrupted code.
#[no_mangle]
extern "C" fn kernel_trap(frame: &mut TrapFrame) {
    let scause = cpu::scause();
    if scause & INTERRUPT_BIT != 0 {
        interrupt(scause & !INTERRUPT_BIT);
        return;
    }
    let page_fault = matches!(
        scause,
        exc::LOAD_PAGE_FAULT | exc::STORE_PAGE_FAULT | exc::LOAD_ACCESS_FAULT | exc::STORE_ACCESS_FAULT
    );
    match crate::mm::uaccess::fixup(frame.sepc) {
        Some(recover) if page_fault => frame.sepc = recover,
        _ => panic!("unexpected kernel trap: {}", sv39_arch::cause::exception_name(scause)),
    }
}
