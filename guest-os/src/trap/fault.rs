//! User faults: one report line on the console, then the process dies of
//! the matching signal (SIGSEGV for page and access faults, SIGILL, SIGBUS,
//! SIGTRAP); other processes are not affected.

use super::TrapFrame;
use crate::mm::address_space::Access;
use crate::proc::scheduler;
use sv39_abi::signal::{signal_name, SIGBUS, SIGILL, SIGSEGV, SIGTRAP};
use sv39_arch::cause::{exc, exception_name};

/// The access and signal of a memory fault, if `scause` is one.
fn memory_fault(scause: u64) -> Option<(Access, u32)> {
    Some(match scause {
        exc::INSTRUCTION_PAGE_FAULT | exc::INSTRUCTION_ACCESS_FAULT => (Access::Execute, SIGSEGV),
        exc::LOAD_PAGE_FAULT | exc::LOAD_ACCESS_FAULT => (Access::Read, SIGSEGV),
        exc::STORE_PAGE_FAULT | exc::STORE_ACCESS_FAULT => (Access::Write, SIGSEGV),
        exc::INSTRUCTION_ADDRESS_MISALIGNED => (Access::Execute, SIGBUS),
        exc::LOAD_ADDRESS_MISALIGNED => (Access::Read, SIGBUS),
        exc::STORE_ADDRESS_MISALIGNED => (Access::Write, SIGBUS),
        _ => return None,
    })
}

/// Reports the fault `scause` at `stval` and marks the process killed.
pub fn user_fault(frame: &TrapFrame, scause: u64, stval: u64) {
    let p = scheduler::current();
    let (what, signal) = match memory_fault(scause) {
        Some((access, sig)) => {
            let inner = p.inner.borrow();
            let reason = match (&inner.space, sig) {
                (_, SIGBUS) => "misaligned address",
                (Some(space), _) => space.fault_reason(stval, access),
                (None, _) => "no address space",
            };
            crate::println!(
                "[kernel] pid {} ({}): {}: {} at {:#x}, pc {:#x}: {}",
                p.pid,
                inner.name,
                signal_name(sig).unwrap_or("?"),
                access.name(),
                stval,
                frame.sepc,
                reason
            );
            return scheduler::kill(&p, sig);
        }
        None if scause == exc::BREAKPOINT => ("breakpoint", SIGTRAP),
        None => (exception_name(scause), SIGILL),
    };
    crate::println!(
        "[kernel] pid {} ({}): {}: {} at pc {:#x} (stval {:#x})",
        p.pid,
        p.inner.borrow().name,
        signal_name(signal).unwrap_or("?"),
        what,
        frame.sepc,
        stval
    );
    scheduler::kill(&p, signal);
}
