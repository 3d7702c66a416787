//! Processes and threads: creation (the first process, fork, threads),
//! exit of a thread and of a whole process, wait, kill and tgkill.
//! The portable pieces (ELF checks, the initial stack) are in the library.

pub mod exec;
pub mod fpu;
pub mod oom;
pub mod process;
mod robust;
pub mod scheduler;
pub mod session;
pub mod signal;

pub use guest_os::proc::{elf, futex_queue, stack};

use crate::drivers::finisher;
use crate::fs::vfs::FdTable;
use crate::mm::address_space::{AddressSpace, Layout};
use crate::trap::TrapFrame;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};
use process::{Channel, Inner, Pid, Process, Shared, SpawnError, State, Usage};
use signal::SignalState;
use sv39_abi::signal::{SigInfo, CLD_EXITED, CLD_KILLED, SIGKILL, SI_TKILL};
use sv39_abi::wait::{shell_status, WEXITSTATUS, WIFEXITED, WNOHANG, WTERMSIG};
use sv39_abi::Errno;

/// The pid of init, which adopts orphans; its end powers the machine off.
pub const INIT_PID: Pid = 1;

impl From<SpawnError> for Errno {
    fn from(e: SpawnError) -> Errno {
        match e {
            SpawnError::TooMany => Errno::EAGAIN,
            SpawnError::NoMemory => Errno::ENOMEM,
        }
    }
}

/// Whether fork copies private pages at once (`nocow`, for comparison)
/// instead of sharing them copy-on-write.
static EAGER_FORK: AtomicBool = AtomicBool::new(false);

pub fn set_eager_fork(on: bool) {
    EAGER_FORK.store(on, Ordering::Relaxed);
}

/// Makes pid 1 with an empty address space, `files` and working directory
/// `cwd`; exec fills it.
pub fn create_init(files: FdTable, cwd: String) -> Result<Rc<Process>, Errno> {
    let space = AddressSpace::new(Layout::for_exec()).map_err(|_| Errno::ENOMEM)?;
    let inner = Inner::new(String::from("init"), Some(space), files, cwd);
    let pid = scheduler::alloc_pid();
    scheduler::add(Process::new(pid, 0, &TrapFrame::default(), new_group(pid, inner, SignalState::default()))?);
    scheduler::get(pid).ok_or(Errno::ESRCH)
}

/// What the first thread of a new process `tgid` starts with.
fn new_group(tgid: Pid, inner: Inner, signals: SignalState) -> Shared {
    Shared { tgid, inner: Rc::new(RefCell::new(inner)), signals: Rc::new(RefCell::new(signals)) }
}

/// fork: a copy of the current process (of its calling thread) whose
/// clone() returns 0; it inherits the signal actions, mask and alternate
/// stack. `frame` is the child's first user context. With `share_vm`
/// (CLONE_VM, vfork) the child shares the parent's address space, page
/// table and all; the parent's thread must not run user code until
/// `vfork_release`.
pub fn fork(frame: &TrapFrame, share_vm: bool) -> Result<Pid, Errno> {
    let parent = scheduler::current();
    let inner = {
        let p = parent.inner.borrow();
        let space = p.space.as_ref().ok_or(Errno::ESRCH)?;
        let space = match share_vm {
            true => Rc::clone(space),
            false => {
                let copy = space.borrow_mut().fork(EAGER_FORK.load(Ordering::Relaxed)).map_err(|_| Errno::ENOMEM)?;
                Rc::new(RefCell::new(copy))
            }
        };
        // The child is named after the forking thread, as Linux copies its comm.
        let name = parent.comm.borrow().clone().unwrap_or_else(|| p.name.clone());
        Inner { space: Some(space), files: p.files.clone(), ..Inner::new(name, None, FdTable::default(), p.cwd.clone()) }
    };
    let mut child_frame = *frame;
    child_frame.regs[10] = 0;
    let pid = scheduler::alloc_pid();
    let shared = new_group(pid, inner, parent.signals.borrow().for_child());
    let child = Process::new(pid, parent.tgid, &child_frame, shared)?;
    inherit(&child, &parent);
    child.altstack.set(parent.altstack.get());
    if share_vm {
        child.vfork_parent.set(parent.pid);
    }
    scheduler::add(child);
    Ok(pid)
}

/// What a new thread or process takes from the thread that made it: its
/// signal mask, FP registers and program path.
fn inherit(child: &Process, parent: &Process) {
    child.blocked.set(parent.blocked.get());
    child.fp.set(parent.fp.get());
    *child.exe.borrow_mut() = parent.exe.borrow().clone();
}

/// A new thread of the current process (clone with CLONE_THREAD): it
/// shares the address space, descriptors, working directory and signal
/// actions, starts with `frame` (clone returning 0) and no alternate
/// stack (Linux clears it for CLONE_VM without CLONE_VFORK).
pub fn spawn_thread(frame: &TrapFrame) -> Result<Pid, Errno> {
    let creator = scheduler::current();
    let shared =
        Shared { tgid: creator.tgid, inner: Rc::clone(&creator.inner), signals: Rc::clone(&creator.signals) };
    let mut child_frame = *frame;
    child_frame.regs[10] = 0;
    let tid = scheduler::alloc_pid();
    let thread = Process::new(tid, creator.ppid.get(), &child_frame, shared)?;
    inherit(&thread, &creator);
    *thread.comm.borrow_mut() = Some(creator.thread_name());
    scheduler::add(thread);
    Ok(tid)
}

/// CLONE_VFORK: the caller sleeps until child `pid` execs or exits.
pub fn vfork_wait(pid: Pid) {
    let me = scheduler::current().pid;
    if let Some(child) = scheduler::get(pid) {
        child.vfork_parent.set(me);
    }
    while scheduler::get(pid).is_some_and(|c| c.vfork_parent.get() != 0) {
        scheduler::sleep(Channel::Child(me));
    }
}

/// Ends `p`'s vfork at its exec or exit: wakes the parent's thread. (The
/// address space they shared stays the parent's: `p` drops its reference.)
pub fn vfork_release(p: &Process) {
    let parent = p.vfork_parent.replace(0);
    if parent != 0 {
        scheduler::wakeup(Channel::Child(parent));
    }
}

/// exit: ends the calling thread with wait status `status`; the process
/// ends with its last thread. Never returns.
pub fn exit_thread(status: i32) -> ! {
    let p = scheduler::current();
    robust::exit_robust_list(&p);
    clear_child_tid(&p);
    vfork_release(&p);
    crate::cpu::switch_satp(crate::mm::kernel_space::kernel_satp(), false);
    p.state.set(State::Zombie(status));
    if let Some(exec) = p.signals.borrow().exec_thread {
        scheduler::wakeup(Channel::Child(exec));
    }
    if !scheduler::group_alive(p.tgid) {
        end_process(&p);
    }
    drop(p);
    scheduler::leave()
}

/// execve from one thread of several (Linux's de_thread): the others are
/// killed, silently, and gone before the new program replaces the address
/// space they run in. The caller keeps its tid (Linux gives it the
/// leader's); a leader that was among them stays a zombie until the
/// process ends.
pub fn end_other_threads(p: &Process) {
    let others = || -> alloc::vec::Vec<Rc<Process>> {
        scheduler::threads(p.tgid).into_iter().filter(|t| t.pid != p.pid && !t.is_zombie()).collect()
    };
    if others().is_empty() {
        return;
    }
    p.signals.borrow_mut().exec_thread = Some(p.pid);
    others().iter().for_each(|t| scheduler::kill(t, SIGKILL));
    while !others().is_empty() {
        scheduler::sleep(Channel::Child(p.pid));
    }
    p.signals.borrow_mut().exec_thread = None;
}

/// exit_group, or death by a signal: every thread of the process ends,
/// and the process's status is the first one so decided. Never returns.
pub fn exit_group(status: i32) -> ! {
    let p = scheduler::current();
    if p.signals.borrow().exec_thread.is_some_and(|t| t != p.pid) {
        drop(p);
        exit_thread(status);
    }
    let status = *p.signals.borrow_mut().exit_status.get_or_insert(status);
    for t in scheduler::threads(p.tgid).iter().filter(|t| t.pid != p.pid) {
        scheduler::kill(t, SIGKILL);
    }
    drop(p);
    exit_thread(status)
}

/// The last thread of a process has exited: its memory and descriptors
/// go, its children go to init, and the leader becomes the zombie its
/// parent reaps, with the group's status (exit_group's or a fatal
/// signal's, else the leader's own exit status, as Linux).
fn end_process(last: &Process) {
    let Some(leader) = scheduler::get(last.tgid) else { return };
    let status = match (last.signals.borrow().exit_status, leader.state.get()) {
        (Some(s), _) | (None, State::Zombie(s)) => s,
        (None, _) => 0,
    };
    leader.usage.set(last.own_usage());
    let (space, files) = {
        let mut inner = last.inner.borrow_mut();
        (inner.space.take(), core::mem::take(&mut inner.files))
    };
    drop(space);
    drop(files);
    let job = last.signals.borrow().job;
    if job.sid == last.tgid && job.ctty {
        crate::tty::hang_up(job.sid);
    }
    reparent_children(last.tgid);
    leader.state.set(State::Zombie(status));
    notify_parent(&leader, status);
    if leader.pid == INIT_PID {
        finisher::power_off(shell_status(status) as u32);
    }
}

/// set_tid_address's word (CLONE_CHILD_CLEARTID): zeroed and its futex
/// woken (pthread_join waits there for the end of a thread).
fn clear_child_tid(p: &Process) {
    let addr = p.clear_child_tid.replace(0);
    if addr != 0 && crate::mm::uaccess::write_value(addr, &0u32).is_ok() {
        let _ = crate::syscall::futex::wake(addr, 1, u32::MAX, false);
    }
}

/// Wakes the parent's wait4 and sends its process SIGCHLD.
fn notify_parent(p: &Process, status: i32) {
    scheduler::wakeup(Channel::Child(p.ppid.get()));
    let Some(parent) = scheduler::get(p.ppid.get()) else { return };
    let (code, value) =
        if WIFEXITED(status) { (CLD_EXITED, WEXITSTATUS(status)) } else { (CLD_KILLED, WTERMSIG(status) as i32) };
    signal::send_to_process(&parent, SigInfo::child(code, p.pid as i32, 0, value, 0, 0));
}

/// Gives the children of process `tgid` to init.
fn reparent_children(tgid: Pid) {
    let mut zombie = false;
    for c in scheduler::all().iter().filter(|c| c.ppid.get() == tgid) {
        c.ppid.set(INIT_PID);
        zombie |= c.is_zombie();
    }
    if zombie {
        scheduler::wakeup(Channel::Child(INIT_PID));
    }
}

/// Takes a zombie child out of the table; its usage (and its children's)
/// joins its parent's children's usage.
fn reap(z: &Rc<Process>) {
    let mut usage = z.usage.get();
    usage.add(z.children_usage.get());
    z.usage.set(usage);
    let me = scheduler::current();
    let mut all = me.children_usage.get();
    all.add(usage);
    me.children_usage.set(all);
    drop(scheduler::remove(z.pid));
}

/// wait4: waits for a child process (`pid` -1 = any) to end, that is for
/// all its threads; any thread may wait for the children of any thread of
/// its process. (pid, wait status, its usage), or pid 0 with WNOHANG when
/// none has ended yet.
pub fn wait(pid: i32, options: u32) -> Result<(Pid, i32, Usage), Errno> {
    let me = scheduler::current().tgid;
    loop {
        let children: alloc::vec::Vec<_> = scheduler::all()
            .into_iter()
            .filter(|c| c.ppid.get() == me && c.is_leader() && (pid == -1 || c.pid as i32 == pid))
            .collect();
        if children.is_empty() {
            return Err(Errno::ECHILD);
        }
        if let Some(z) = children.iter().find(|c| c.is_zombie() && !scheduler::group_alive(c.tgid)) {
            let status = match z.state.get() {
                State::Zombie(s) => s,
                _ => 0,
            };
            reap(z);
            return Ok((z.pid, status, z.usage.get()));
        }
        if options & WNOHANG != 0 {
            return Ok((0, 0, Usage::default()));
        }
        drop(children);
        scheduler::sleep_interruptible(Channel::Child(me))?;
    }
}

/// kill: `sig` to process `pid` (a thread's tid names its process, as in
/// Linux), to the caller's process group for 0, to group `-pid` for a
/// negative one, or to every process but init and the caller's for -1;
/// signal 0 only checks that the target exists.
pub fn kill(pid: i32, sig: u32) -> Result<(), Errno> {
    if sig > sv39_abi::signal::NSIG {
        return Err(Errno::EINVAL);
    }
    let me = scheduler::current();
    let alive = |p: &Rc<Process>| p.is_leader() && scheduler::group_alive(p.tgid);
    let in_group = |g: Pid| move |p: &Rc<Process>| alive(p) && session::job(p).pgid == g;
    let targets: alloc::vec::Vec<_> = match pid {
        -1 => scheduler::all().into_iter().filter(|p| p.pid != INIT_PID && p.pid != me.tgid && alive(p)).collect(),
        0 => scheduler::all().into_iter().filter(in_group(session::job(&me).pgid)).collect(),
        i32::MIN => return Err(Errno::ESRCH),
        p if p < 0 => scheduler::all().into_iter().filter(in_group(-p as Pid)).collect(),
        p => scheduler::get(p as Pid).filter(|p| scheduler::group_alive(p.tgid)).into_iter().collect(),
    };
    let me = me.tgid;
    if targets.is_empty() {
        return Err(Errno::ESRCH);
    }
    if sig != 0 {
        targets.iter().for_each(|p| signal::send_to_process(p, SigInfo::kill(sig, me as i32, 0)));
    }
    Ok(())
}

/// tgkill (and tkill, with `tgid` None): `sig` to thread `tid` alone,
/// which must belong to process `tgid`.
pub fn tgkill(tgid: Option<Pid>, tid: Pid, sig: u32) -> Result<(), Errno> {
    if sig > sv39_abi::signal::NSIG {
        return Err(Errno::EINVAL);
    }
    let target = scheduler::get(tid)
        .filter(|t| !t.is_zombie() && tgid.is_none_or(|g| g == t.tgid))
        .ok_or(Errno::ESRCH)?;
    if sig != 0 {
        let mut info = SigInfo::kill(sig, scheduler::current().tgid as i32, 0);
        info.si_code = SI_TKILL;
        signal::send(&target, info);
    }
    Ok(())
}
