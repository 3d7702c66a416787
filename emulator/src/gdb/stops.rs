//! What a debugger asked the machine to stop at, checked by `Machine::run_hart`
//! before each instruction: breakpoints (virtual addresses of instructions)
//! and watchpoints (virtual address ranges read or written).
//!
//! Both are kept here, never patched into guest memory, so the guest sees no
//! change. Like RISC-V debug triggers they fire *before* the instruction: a
//! hart stopped at a watchpoint has not made the access yet (GDB knows this of
//! RISC-V, its watchpoints are "non-steppable", and steps over it itself).
//! While any is set, the machine runs one instruction at a time; with none it
//! runs in batches.

use crate::bus::Bus;
use crate::hart::exception::Access;
use crate::hart::isa::Syntax;
use crate::hart::op::Op;
use crate::hart::Hart;
use crate::trace::{fetch_probe, memory_access};
use gdbstub::target::ext::breakpoints::WatchKind;
use std::collections::BTreeSet;

/// A watched range of `len` bytes at virtual address `addr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watchpoint {
    pub addr: u64,
    pub len: u64,
    pub kind: WatchKind,
}

/// Why a hart stopped before its next instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Breakpoint {
        hart: usize,
    },
    /// The access at `addr` (within the watched range) matched `kind`.
    Watchpoint {
        hart: usize,
        kind: WatchKind,
        addr: u64,
    },
}

#[derive(Debug, Default)]
pub struct Stops {
    breakpoints: BTreeSet<u64>,
    watchpoints: Vec<Watchpoint>,
    /// The stop the machine has not reported yet: no hart runs while it is set.
    hit: Option<Hit>,
}

impl Stops {
    /// Adds a breakpoint at instruction address `va`.
    pub fn add_breakpoint(&mut self, va: u64) {
        self.breakpoints.insert(va);
    }

    /// Removes the breakpoint at `va`; false if there was none.
    pub fn remove_breakpoint(&mut self, va: u64) -> bool {
        self.breakpoints.remove(&va)
    }

    pub fn add_watchpoint(&mut self, w: Watchpoint) {
        self.watchpoints.push(w);
    }

    /// Removes one watchpoint equal to `w`; false if there was none.
    pub fn remove_watchpoint(&mut self, w: Watchpoint) -> bool {
        let Some(i) = self.watchpoints.iter().position(|x| *x == w) else { return false };
        self.watchpoints.remove(i);
        true
    }

    /// Whether a hart may stop at any instruction, so must run one at a time.
    fn armed(&self) -> bool {
        !self.breakpoints.is_empty() || !self.watchpoints.is_empty()
    }

    /// Where a batch of hart `h` that would end at `stop` must end instead.
    pub fn batch_end(&self, h: &Hart, stop: u64) -> u64 {
        if self.armed() {
            stop.min(h.cycle + 1)
        } else {
            stop
        }
    }

    /// Before `h` executes its next instruction: true when it must not,
    /// because a stop is pending or the instruction hits a breakpoint or a
    /// watchpoint (then recorded as the pending stop).
    pub fn check(&mut self, h: &Hart, bus: &mut Bus) -> bool {
        if self.hit.is_none() {
            self.hit = self.breakpoint_hit(h).or_else(|| self.watchpoint_hit(h, bus));
        }
        self.hit.is_some()
    }

    /// Whether a stop is pending.
    pub fn halted(&self) -> bool {
        self.hit.is_some()
    }

    /// The pending stop, which lets the harts run again.
    pub fn take_hit(&mut self) -> Option<Hit> {
        self.hit.take()
    }

    fn breakpoint_hit(&self, h: &Hart) -> Option<Hit> {
        self.breakpoints.contains(&h.pc).then_some(Hit::Breakpoint { hart: h.id })
    }

    /// The first watchpoint the next instruction's load or store touches, from
    /// the instruction and the registers before it executes.
    fn watchpoint_hit(&self, h: &Hart, bus: &mut Bus) -> Option<Hit> {
        if self.watchpoints.is_empty() {
            return None;
        }
        let d = fetch_probe(h, bus)?;
        let (access, size, va) = memory_access(&d, &h.x)?;
        let writes = access == Access::Store;
        // AMOs read as well as write; plain stores and SC only write.
        let store_only =
            matches!(d.op.syntax(), Syntax::Rs2ImmRs1 | Syntax::Frs2ImmRs1) || matches!(d.op, Op::ScW | Op::ScD);
        let reads = !writes || !store_only;
        let end = va.wrapping_add(size);
        self.watchpoints.iter().find_map(|w| {
            let overlaps = va < w.addr.wrapping_add(w.len) && w.addr < end;
            let kind_matches = match w.kind {
                WatchKind::Write => writes,
                WatchKind::Read => reads,
                WatchKind::ReadWrite => true,
            };
            // GDB finds the watchpoint by an address inside its range.
            (overlaps && kind_matches).then_some(Hit::Watchpoint { hart: h.id, kind: w.kind, addr: va.max(w.addr) })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sv39_arch::memmap::RAM_BASE;

    const SD_A1_8_A0: u32 = 0x00b5_3423; // sd a1, 8(a0)
    const LD_A2_8_A0: u32 = 0x0085_3603; // ld a2, 8(a0)
    const AMOADD_D: u32 = 0x00b5_362f; // amoadd.d a2, a1, (a0)

    /// Whether `Stops` with watchpoint `w` stops before `insn`, with a0 = RAM + 0x100.
    fn watch_hit(insn: u32, w: Watchpoint) -> Option<Hit> {
        let (mut h, mut bus) = super::super::test_hart(&[insn]);
        h.x[10] = RAM_BASE + 0x100;
        let mut s = Stops::default();
        s.add_watchpoint(w);
        s.check(&h, &mut bus);
        s.take_hit()
    }

    #[test]
    fn watchpoints_match_the_access_and_its_kind() {
        let at = |kind| Watchpoint { addr: RAM_BASE + 0x10c, len: 4, kind };
        let hit = |kind, addr| Some(Hit::Watchpoint { hart: 0, kind, addr });
        // The store covers 0x108..0x110: GDB gets an address inside the watched range.
        assert_eq!(watch_hit(SD_A1_8_A0, at(WatchKind::Write)), hit(WatchKind::Write, RAM_BASE + 0x10c));
        assert_eq!(watch_hit(SD_A1_8_A0, at(WatchKind::Read)), None, "a store does not read");
        assert_eq!(watch_hit(LD_A2_8_A0, at(WatchKind::Read)), hit(WatchKind::Read, RAM_BASE + 0x10c));
        assert_eq!(watch_hit(LD_A2_8_A0, at(WatchKind::Write)), None, "a load does not write");
        assert_eq!(watch_hit(LD_A2_8_A0, at(WatchKind::ReadWrite)), hit(WatchKind::ReadWrite, RAM_BASE + 0x10c));
        let beside = Watchpoint { addr: RAM_BASE + 0x110, len: 8, kind: WatchKind::ReadWrite };
        assert_eq!(watch_hit(SD_A1_8_A0, beside), None, "0x108..0x110 ends where it starts");
        let amo = Watchpoint { addr: RAM_BASE + 0x100, len: 8, kind: WatchKind::Read };
        assert_eq!(watch_hit(AMOADD_D, amo), hit(WatchKind::Read, RAM_BASE + 0x100), "an AMO reads too");
    }

    #[test]
    fn a_breakpoint_holds_the_hart_until_taken() {
        let (h, mut bus) = super::super::test_hart(&[LD_A2_8_A0]);
        let mut s = Stops::default();
        assert!(!s.check(&h, &mut bus));
        assert_eq!(s.batch_end(&h, 1000), 1000, "nothing set: batches");
        s.add_breakpoint(RAM_BASE);
        assert_eq!(s.batch_end(&h, 1000), h.cycle + 1, "one instruction at a time");
        assert!(s.check(&h, &mut bus));
        assert!(s.halted());
        assert_eq!(s.take_hit(), Some(Hit::Breakpoint { hart: 0 }));
        assert!(!s.halted());
    }

    #[test]
    fn breakpoints_and_watchpoints_come_and_go() {
        let mut s = Stops::default();
        assert!(!s.armed());
        s.add_breakpoint(0x8000_0000);
        assert!(s.armed());
        assert!(s.remove_breakpoint(0x8000_0000));
        assert!(!s.remove_breakpoint(0x8000_0000), "already gone");
        let w = Watchpoint { addr: 0x8000_1000, len: 8, kind: WatchKind::Write };
        s.add_watchpoint(w);
        assert!(!s.remove_watchpoint(Watchpoint { kind: WatchKind::Read, ..w }), "kind differs");
        assert!(s.remove_watchpoint(w));
        assert!(!s.armed());
    }
}
