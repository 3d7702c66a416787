//! User faults. A page fault inside a mapping that allows the access is
//! served by the address space (demand paging, copy-on-write, stack
//! growth) and the instruction runs again. Any other fault raises its
//! signal with `si_addr` and `si_code`: SIGSEGV (SEGV_MAPERR, SEGV_ACCERR),
//! SIGBUS (past the end of a mapped file, misaligned), SIGILL, SIGTRAP. A
//! handler may catch it; if none does, one report line goes to the console
//! and the process dies of it; other processes are not affected. A fault
//! that finds no memory at all goes to the OOM killer.

use super::TrapFrame;
use crate::mm::address_space::{fault_reason, Access, FaultError};
use crate::proc::{oom, scheduler, signal};
use sv39_abi::signal::*;
use sv39_arch::cause::{exc, exception_name};

/// The access of a page or access fault, if `scause` is one.
fn memory_access(scause: u64) -> Option<Access> {
    match scause {
        exc::INSTRUCTION_PAGE_FAULT | exc::INSTRUCTION_ACCESS_FAULT => Some(Access::Execute),
        exc::LOAD_PAGE_FAULT | exc::LOAD_ACCESS_FAULT => Some(Access::Read),
        exc::STORE_PAGE_FAULT | exc::STORE_ACCESS_FAULT => Some(Access::Write),
        _ => None,
    }
}

/// The signal, si_code and reason of a page fault the address space could
/// not serve.
fn page_fault_signal(e: FaultError, access: Access) -> (u32, i32, &'static str) {
    let reason = fault_reason(e, access);
    match e {
        FaultError::NoMapping | FaultError::Guard => (SIGSEGV, SEGV_MAPERR, reason),
        FaultError::Denied => (SIGSEGV, SEGV_ACCERR, reason),
        FaultError::PastEnd | FaultError::SwapIo => (SIGBUS, BUS_ADRERR, reason),
        FaultError::NoMemory => (SIGKILL, SI_KERNEL, reason),
    }
}

/// Serves or signals the fault `scause` at `stval`.
pub fn user_fault(frame: &TrapFrame, scause: u64, stval: u64) {
    let p = scheduler::current();
    if let Some(access) = memory_access(scause) {
        let space = p.inner.borrow().space.clone();
        let served = space.map(|s| s.borrow_mut().handle_fault(stval, access));
        let (sig, code, reason) = match served {
            Some(Ok(_)) => return,
            Some(Err(FaultError::NoMemory)) => return oom::out_of_memory(&p),
            Some(Err(e)) => page_fault_signal(e, access),
            None => (SIGSEGV, SEGV_MAPERR, "no address space"),
        };
        let what = alloc::format!("{} at {stval:#x}, pc {:#x}: {reason}", access.name(), frame.sepc);
        return raise(&p, SigInfo::fault(sig, code, stval as usize), &what);
    }
    let (sig, code, what) = match scause {
        exc::INSTRUCTION_ADDRESS_MISALIGNED | exc::LOAD_ADDRESS_MISALIGNED | exc::STORE_ADDRESS_MISALIGNED => {
            (SIGBUS, BUS_ADRALN, "misaligned address")
        }
        exc::BREAKPOINT => (SIGTRAP, TRAP_BRKPT, "breakpoint"),
        _ => (SIGILL, ILL_ILLOPC, exception_name(scause)),
    };
    let addr = if sig == SIGBUS { stval } else { frame.sepc };
    let what = alloc::format!("{what} at pc {:#x} (stval {stval:#x})", frame.sepc);
    raise(&p, SigInfo::fault(sig, code, addr as usize), &what);
}

/// Hands the fault's signal to a handler, or reports it and kills.
fn raise(p: &crate::proc::process::Process, info: SigInfo, what: &str) {
    let sig = info.si_signo as u32;
    if sig != SIGKILL && signal::force_fault(p, info) {
        return;
    }
    crate::println!("[kernel] pid {} ({}): {}: {what}", p.pid, p.inner.borrow().name, signal_name(sig).unwrap_or("?"));
    scheduler::kill(p, sig);
}
