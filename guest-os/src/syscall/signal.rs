//! Signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
//! rt_sigreturn, sigaltstack, kill, tkill, tgkill (proc/signal.rs has the
//! delivery). kill names a process, tkill and tgkill one thread.

use super::SysResult;
use crate::mm::uaccess::{read_value, write_value};
use crate::proc::{self, scheduler, signal};
use crate::trap::TrapFrame;
use sv39_abi::signal::{SigAction, SigSet, SIGSET_SIZE};
use sv39_abi::Errno;

fn check_setsize(size: usize) -> Result<(), Errno> {
    if size == SIGSET_SIZE {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

pub fn rt_sigaction(sig: u32, act: u64, oldact: u64, sigsetsize: usize) -> SysResult {
    check_setsize(sigsetsize)?;
    let new = if act != 0 { Some(read_value::<SigAction>(act)?) } else { None };
    let old = signal::set_action(&scheduler::current(), sig, new)?;
    if oldact != 0 {
        write_value(oldact, &old)?;
    }
    Ok(0)
}

pub fn rt_sigprocmask(how: u32, set: u64, oldset: u64, sigsetsize: usize) -> SysResult {
    check_setsize(sigsetsize)?;
    let p = scheduler::current();
    let old = p.blocked.get();
    if set != 0 {
        signal::change_mask(&p, how, SigSet(read_value::<u64>(set)?))?;
    }
    if oldset != 0 {
        write_value(oldset, &old.0)?;
    }
    Ok(0)
}

/// The signals pending while blocked.
pub fn rt_sigpending(set: u64, sigsetsize: usize) -> SysResult {
    check_setsize(sigsetsize)?;
    let p = scheduler::current();
    write_value(set, &(p.all_pending().0 & p.blocked.get().0))?;
    Ok(0)
}

/// Returns the restored a0, which the dispatcher writes back.
pub fn rt_sigreturn(frame: &mut TrapFrame) -> SysResult {
    Ok(signal::sigreturn(&scheduler::current(), frame) as usize)
}

pub fn sigaltstack(frame: &TrapFrame, ss: u64, old: u64) -> SysResult {
    signal::sigaltstack(&scheduler::current(), ss, old, frame.regs[2])
}

pub fn kill(pid: i32, sig: u32) -> SysResult {
    proc::kill(pid, sig).map(|_| 0)
}

/// tkill: `sig` to one thread.
pub fn tkill(tid: i32, sig: u32) -> SysResult {
    if tid <= 0 {
        return Err(Errno::EINVAL);
    }
    proc::tgkill(None, tid as u32, sig).map(|_| 0)
}

/// tgkill: `sig` to one thread of process `tgid`.
pub fn tgkill(tgid: i32, tid: i32, sig: u32) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    proc::tgkill(Some(tgid as u32), tid as u32, sig).map(|_| 0)
}
