//! Process system calls: clone (fork), execve, exit, wait4, kill,
//! sched_yield, set_tid_address.

use super::SysResult;
use crate::memlayout::ARG_MAX;
use crate::mm::uaccess::{self, write_value};
use crate::proc::{self, exec, scheduler};
use crate::trap::TrapFrame;
use alloc::string::String;
use sv39_abi::fcntl::PATH_MAX;
use sv39_abi::sched::CSIGNAL;
use sv39_abi::signal::SIGCHLD;
use sv39_abi::wait::{WNOHANG, WUNTRACED, W_EXITCODE};
use sv39_abi::Errno;

/// clone with fork semantics: only `SIGCHLD` as the exit signal (issue 7
/// adds CLONE_VM | CLONE_VFORK).
pub fn clone(frame: &TrapFrame, flags: u64) -> SysResult {
    if flags != SIGCHLD as u64 && flags & !CSIGNAL != 0 {
        return Err(Errno::EINVAL);
    }
    proc::fork(frame).map(|pid| pid as usize)
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
    let (child, status) = proc::wait(pid, options)?;
    if child != 0 && wstatus != 0 {
        write_value(wstatus, &status)?;
    }
    if rusage != 0 {
        uaccess::copy_to_user(rusage, &[0u8; 144])?;
    }
    Ok(child as usize)
}

pub fn kill(pid: i32, sig: u32) -> SysResult {
    proc::kill(pid, sig).map(|_| 0)
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
