//! Process system calls: clone (fork), execve, exit, wait4, getrusage,
//! sched_yield, set_tid_address.

use super::SysResult;
use crate::memlayout::ARG_MAX;
use crate::mm::uaccess::{self, write_value};
use crate::proc::process::Usage;
use crate::proc::{self, exec, scheduler};
use crate::trap::TrapFrame;
use alloc::string::String;
use sv39_abi::fcntl::PATH_MAX;
use sv39_abi::resource::{Rusage, RUSAGE_CHILDREN, RUSAGE_SELF, RUSAGE_THREAD};
use sv39_abi::sched::*;
use sv39_abi::wait::{WNOHANG, WUNTRACED, W_EXITCODE};
use sv39_abi::Errno;

/// The clone flags a process (one thread each) can honour.
const CLONE_SUPPORTED: u64 =
    CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;

/// clone(flags, stack, parent_tid, tls, child_tid): fork, or vfork with
/// CLONE_VM | CLONE_VFORK (the child borrows the address space and runs on
/// `stack`; the caller sleeps until it execs or exits). CLONE_VM without
/// CLONE_VFORK would be a thread: EINVAL. The exit signal is always SIGCHLD.
pub fn clone(frame: &TrapFrame, flags: u64, stack: u64, tls: u64, child_tid: u64) -> SysResult {
    let vm = flags & CLONE_VM != 0;
    if flags & !CLONE_SUPPORTED != 0 || (vm && flags & CLONE_VFORK == 0) {
        return Err(Errno::EINVAL);
    }
    let mut child_frame = *frame;
    if stack != 0 {
        child_frame.regs[2] = stack;
    }
    if flags & CLONE_SETTLS != 0 {
        child_frame.regs[4] = tls;
    }
    let pid = proc::fork(&child_frame, vm)?;
    if let Some(child) = scheduler::get(pid) {
        if flags & CLONE_CHILD_SETTID != 0 {
            child.set_child_tid.set(child_tid);
        }
        if flags & CLONE_CHILD_CLEARTID != 0 {
            child.inner.borrow_mut().clear_child_tid = child_tid;
        }
    }
    if flags & CLONE_VFORK != 0 {
        proc::vfork_wait(pid);
    }
    Ok(pid as usize)
}

pub fn execve(frame: &mut TrapFrame, path: u64, argv: u64, envp: u64) -> SysResult {
    let path =
        String::from_utf8(uaccess::read_cstr(path, PATH_MAX, Errno::ENAMETOOLONG)?).map_err(|_| Errno::ENOENT)?;
    let argv = uaccess::read_cstr_array(argv, ARG_MAX)?;
    let envp = uaccess::read_cstr_array(envp, ARG_MAX)?;
    let p = scheduler::current();
    let cwd = p.inner.borrow().cwd.clone();
    let parts = crate::fs::vfs::resolve(&cwd, &path)?;
    exec::exec(&p, frame, &parts, &argv, &envp)?;
    Ok(0)
}

pub fn exit(code: i32) -> SysResult {
    proc::exit(W_EXITCODE(code))
}

pub fn wait4(pid: i32, wstatus: u64, options: u32, rusage: u64) -> SysResult {
    if options & !(WNOHANG | WUNTRACED) != 0 || pid == 0 || pid < -1 {
        return Err(if pid == 0 || pid < -1 { Errno::ECHILD } else { Errno::EINVAL });
    }
    let (child, status, usage) = proc::wait(pid, options)?;
    if child != 0 && wstatus != 0 {
        write_value(wstatus, &status)?;
    }
    if rusage != 0 {
        write_value(rusage, &to_rusage(usage))?;
    }
    Ok(child as usize)
}

/// A `struct rusage` of `u`: fault counts and the peak resident set (kB);
/// times are not kept.
fn to_rusage(u: Usage) -> Rusage {
    Rusage {
        ru_minflt: u.vm.minor_faults as i64,
        ru_majflt: u.vm.major_faults as i64,
        ru_maxrss: (u.max_resident * 4) as i64,
        ..Rusage::default()
    }
}

/// getrusage: RUSAGE_SELF (and RUSAGE_THREAD: one thread a process) or
/// RUSAGE_CHILDREN (the reaped ones).
pub fn getrusage(who: i32, usage: u64) -> SysResult {
    let p = scheduler::current();
    let u = match who {
        RUSAGE_SELF | RUSAGE_THREAD => p.own_usage(),
        RUSAGE_CHILDREN => p.children_usage.get(),
        _ => return Err(Errno::EINVAL),
    };
    write_value(usage, &to_rusage(u))?;
    Ok(0)
}

pub fn sched_yield() -> SysResult {
    scheduler::yield_now();
    Ok(0)
}

pub fn set_tid_address(tidptr: u64) -> SysResult {
    let p = scheduler::current();
    p.inner.borrow_mut().clear_child_tid = tidptr;
    Ok(p.pid as usize)
}
