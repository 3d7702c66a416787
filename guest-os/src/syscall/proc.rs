//! Process and thread system calls: clone and clone3 (fork, vfork,
//! threads), execve, exit, exit_group, wait4, getrusage, sched_yield,
//! set_tid_address; setpgid, getpgid, getsid, setsid (proc/session.rs).

use super::SysResult;
use crate::memlayout::ARG_MAX;
use crate::mm::uaccess::{self, write_value};
use crate::proc::process::Usage;
use crate::proc::{self, exec, scheduler, session};
use crate::trap::TrapFrame;
use alloc::string::String;
use sv39_abi::fcntl::PATH_MAX;
use sv39_abi::resource::{Rusage, RUSAGE_CHILDREN, RUSAGE_SELF, RUSAGE_THREAD};
use sv39_abi::sched::*;
use sv39_abi::wait::{WNOHANG, WUNTRACED, W_EXITCODE};
use sv39_abi::Errno;

/// What clone and clone3 ask for.
struct CloneArgs {
    flags: u64,
    /// The child's sp (0: the caller's).
    stack: u64,
    parent_tid: u64,
    tls: u64,
    child_tid: u64,
}

/// The flags that make a thread (glibc's pthread_create and Rust std pass
/// these, with CLONE_SYSVSEM and the tid flags). A thread here shares
/// everything a thread shares in Linux: CLONE_THREAD without CLONE_FS and
/// CLONE_FILES, or CLONE_SIGHAND, CLONE_FS or CLONE_FILES without
/// CLONE_THREAD, is not supported (EINVAL).
const THREAD_FLAGS: u64 = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;

/// The flags honoured: the thread flags, vfork's, the tid and TLS ones;
/// CLONE_SYSVSEM has nothing to share (no System V semaphores), and
/// CLONE_DETACHED is ignored as in Linux.
const CLONE_SUPPORTED: u64 = THREAD_FLAGS
    | CLONE_VFORK
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED;

/// The checks of Linux's copy_process on the flags, then ours.
fn check_flags(flags: u64) -> Result<(), Errno> {
    let thread = flags & CLONE_THREAD != 0;
    if thread && flags & CLONE_SIGHAND == 0 || flags & CLONE_SIGHAND != 0 && flags & CLONE_VM == 0 {
        return Err(Errno::EINVAL);
    }
    let shared = flags & (CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD);
    if flags & !CLONE_SUPPORTED != 0 || (shared != 0 && flags & THREAD_FLAGS != THREAD_FLAGS) {
        return Err(Errno::EINVAL);
    }
    if flags & CLONE_VM != 0 && !thread && flags & CLONE_VFORK == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// A new thread (CLONE_THREAD) or process: fork, or vfork with CLONE_VM |
/// CLONE_VFORK (the child shares the address space and runs on `stack`;
/// the caller sleeps until it execs or exits). A child process's exit
/// signal is always SIGCHLD; a thread has none (it is never waited for).
fn do_clone(frame: &TrapFrame, args: &CloneArgs) -> SysResult {
    let flags = args.flags & !CSIGNAL;
    check_flags(flags)?;
    let mut child_frame = *frame;
    if args.stack != 0 {
        child_frame.regs[2] = args.stack;
    }
    if flags & CLONE_SETTLS != 0 {
        child_frame.regs[4] = args.tls;
    }
    let tid = match flags & CLONE_THREAD {
        0 => proc::fork(&child_frame, flags & CLONE_VM != 0)?,
        _ => proc::spawn_thread(&child_frame)?,
    };
    if let Some(child) = scheduler::get(tid) {
        if flags & CLONE_CHILD_SETTID != 0 {
            child.set_child_tid.set(args.child_tid);
        }
        if flags & CLONE_CHILD_CLEARTID != 0 {
            child.clear_child_tid.set(args.child_tid);
        }
    }
    // Linux stores it in the caller's memory, after the copy (a forked
    // child does not see it); a fault there is ignored, as in Linux.
    if flags & CLONE_PARENT_SETTID != 0 {
        let _ = write_value(args.parent_tid, &tid);
    }
    if flags & CLONE_VFORK != 0 {
        proc::vfork_wait(tid);
    }
    Ok(tid as usize)
}

/// clone(flags, stack, parent_tid, tls, child_tid), riscv64's order.
pub fn clone(frame: &TrapFrame, flags: u64, stack: u64, parent_tid: u64, tls: u64, child_tid: u64) -> SysResult {
    do_clone(frame, &CloneArgs { flags, stack, parent_tid, tls, child_tid })
}

/// clone3(args, size): `struct clone_args`, checked as Linux's
/// copy_clone_args_from_user and clone3_args_valid do. set_tid (choosing
/// the child's pid) and CLONE_INTO_CGROUP are not supported (EINVAL).
pub fn clone3(frame: &TrapFrame, uargs: u64, size: usize) -> SysResult {
    if size > sv39_arch::sv39::PAGE_SIZE as usize {
        return Err(Errno::E2BIG);
    }
    if size < CLONE_ARGS_SIZE_VER0 {
        return Err(Errno::EINVAL);
    }
    let mut bytes = alloc::vec![0u8; size];
    uaccess::copy_from_user(&mut bytes, uargs)?;
    // Fields this kernel does not know must be zero (copy_struct_from_user).
    if bytes.iter().skip(core::mem::size_of::<sv39_abi::sched::CloneArgs>()).any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    let mut a = sv39_abi::sched::CloneArgs::default();
    let n = size.min(core::mem::size_of::<sv39_abi::sched::CloneArgs>());
    uaccess::bytes_of_mut(&mut a)[..n].copy_from_slice(&bytes[..n]);
    if a.exit_signal & !CSIGNAL != 0 || a.flags & (CLONE_DETACHED | CSIGNAL) != 0 {
        return Err(Errno::EINVAL);
    }
    if (a.stack == 0) != (a.stack_size == 0) || a.set_tid_size != 0 || a.set_tid != 0 || a.cgroup != 0 {
        return Err(Errno::EINVAL);
    }
    if a.flags & CLONE_THREAD != 0 && a.exit_signal != 0 {
        return Err(Errno::EINVAL);
    }
    let stack = a.stack.wrapping_add(a.stack_size);
    let args = CloneArgs { flags: a.flags, stack, parent_tid: a.parent_tid, tls: a.tls, child_tid: a.child_tid };
    do_clone(frame, &args)
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

/// exit: ends the calling thread only.
pub fn exit(code: i32) -> SysResult {
    proc::exit_thread(W_EXITCODE(code))
}

/// exit_group: ends every thread of the process.
pub fn exit_group(code: i32) -> SysResult {
    proc::exit_group(W_EXITCODE(code))
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

/// getrusage: RUSAGE_SELF or RUSAGE_CHILDREN (the reaped ones). Fault
/// counts are kept per address space, so RUSAGE_THREAD reports the
/// process's.
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

/// set_tid_address: returns the caller's tid.
pub fn set_tid_address(tidptr: u64) -> SysResult {
    let p = scheduler::current();
    p.clear_child_tid.set(tidptr);
    Ok(p.pid as usize)
}

pub fn setpgid(pid: i32, pgid: i32) -> SysResult {
    session::setpgid(pid, pgid).map(|_| 0)
}

pub fn getpgid(pid: i32) -> SysResult {
    session::getpgid(pid).map(|g| g as usize)
}

pub fn getsid(pid: i32) -> SysResult {
    session::getsid(pid).map(|s| s as usize)
}

pub fn setsid() -> SysResult {
    session::setsid().map(|s| s as usize)
}
