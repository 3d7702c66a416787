//! Processes: creation (the first process, fork), exit, wait and kill.
//! The portable pieces (ELF checks, the initial stack) are in the library.

pub mod exec;
pub mod fpu;
pub mod process;
pub mod scheduler;
pub mod signal;

pub use guest_os::proc::{elf, stack};

use crate::drivers::finisher;
use crate::fs::vfs::FdTable;
use crate::mm::address_space::{AddressSpace, Layout};
use crate::trap::TrapFrame;
use alloc::rc::Rc;
use alloc::string::String;
use core::sync::atomic::{AtomicBool, Ordering};
use process::{Channel, Inner, Pid, Process, SpawnError, State, Usage};
use sv39_abi::signal::{SigInfo, CLD_EXITED, CLD_KILLED};
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

/// Makes pid 1 with an empty address space and `files`; exec fills it.
pub fn create_init(files: FdTable) -> Result<Rc<Process>, Errno> {
    let space = AddressSpace::new(Layout::for_exec()).map_err(|_| Errno::ENOMEM)?;
    let inner =
        Inner { name: String::from("init"), space: Some(space), files, cwd: String::from("/"), clear_child_tid: 0 };
    let pid = scheduler::alloc_pid();
    scheduler::add(Process::new(pid, 0, &TrapFrame::default(), inner)?);
    scheduler::get(pid).ok_or(Errno::ESRCH)
}

/// fork: a copy of the current process whose clone() returns 0; it
/// inherits the signal actions, mask and alternate stack. `frame` is the
/// child's first user context. With `share_vm` (CLONE_VM, vfork) the child
/// borrows the parent's address space, page table and all, until
/// `vfork_release`; the parent must not run user code meanwhile.
pub fn fork(frame: &TrapFrame, share_vm: bool) -> Result<Pid, Errno> {
    let parent = scheduler::current();
    let inner = {
        let mut p = parent.inner.borrow_mut();
        let eager = EAGER_FORK.load(Ordering::Relaxed);
        let space = match share_vm {
            true => None,
            false => Some(p.space.as_mut().ok_or(Errno::ESRCH)?.fork(eager).map_err(|_| Errno::ENOMEM)?),
        };
        Inner { name: p.name.clone(), space, files: p.files.clone(), cwd: p.cwd.clone(), clear_child_tid: 0 }
    };
    let mut child_frame = *frame;
    child_frame.regs[10] = 0;
    let pid = scheduler::alloc_pid();
    let child = Process::new(pid, parent.pid, &child_frame, inner)?;
    *child.signals.borrow_mut() = parent.signals.borrow().for_child();
    child.blocked.set(parent.blocked.get());
    child.fp.set(parent.fp.get());
    *child.exe.borrow_mut() = parent.exe.borrow().clone();
    if share_vm {
        child.inner.borrow_mut().space = parent.inner.borrow_mut().space.take();
        child.vfork_parent.set(parent.pid);
    }
    scheduler::add(child);
    Ok(pid)
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

/// Ends `p`'s vfork at its exec or exit: wakes the parent and gives back
/// the address space `space` if it was borrowed from the parent (returns
/// `None` then); otherwise returns `space`, `p`'s own, to be dropped.
pub fn vfork_release(p: &Process, space: Option<AddressSpace>) -> Option<AddressSpace> {
    let ppid = p.vfork_parent.replace(0);
    if ppid == 0 {
        return space;
    }
    scheduler::wakeup(Channel::Child(ppid));
    let Some(parent) = scheduler::get(ppid) else { return space };
    let mut inner = parent.inner.borrow_mut();
    if inner.space.is_some() {
        return space;
    }
    inner.space = space;
    None
}

/// Ends the current process with wait status `status`. Never returns.
pub fn exit(status: i32) -> ! {
    let p = scheduler::current();
    clear_child_tid(&p);
    p.usage.set(p.own_usage());
    let (space, files) = {
        let mut inner = p.inner.borrow_mut();
        (inner.space.take(), core::mem::take(&mut inner.files))
    };
    crate::cpu::switch_satp(crate::mm::kernel_space::kernel_satp(), false);
    drop(vfork_release(&p, space));
    drop(files);
    reparent_children(p.pid);
    p.state.set(State::Zombie(status));
    notify_parent(&p, status);
    if p.pid == INIT_PID {
        finisher::power_off(shell_status(status) as u32);
    }
    drop(p);
    scheduler::leave()
}

/// set_tid_address's word: zeroed and its futex woken (a thread library
/// waits there for the end of a thread).
fn clear_child_tid(p: &Process) {
    let addr = core::mem::take(&mut p.inner.borrow_mut().clear_child_tid);
    if addr != 0 && crate::mm::uaccess::write_value(addr, &0u32).is_ok() {
        let _ = crate::syscall::futex::wake(addr, 1, u32::MAX, false);
    }
}

/// Wakes the parent's wait4 and sends it SIGCHLD.
fn notify_parent(p: &Process, status: i32) {
    scheduler::wakeup(Channel::Child(p.ppid.get()));
    let Some(parent) = scheduler::get(p.ppid.get()) else { return };
    let (code, value) =
        if WIFEXITED(status) { (CLD_EXITED, WEXITSTATUS(status)) } else { (CLD_KILLED, WTERMSIG(status) as i32) };
    signal::send(&parent, SigInfo::child(code, p.pid as i32, 0, value, 0, 0));
}

/// Gives `pid`'s children to init.
fn reparent_children(pid: Pid) {
    let mut zombie = false;
    for c in scheduler::all().iter().filter(|c| c.ppid.get() == pid) {
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

/// wait4: waits for a child (`pid` -1 = any) to end; (pid, wait status,
/// its usage), or pid 0 with WNOHANG when none has ended yet.
pub fn wait(pid: i32, options: u32) -> Result<(Pid, i32, Usage), Errno> {
    let me = scheduler::current().pid;
    loop {
        let children: alloc::vec::Vec<_> =
            scheduler::all().into_iter().filter(|c| c.ppid.get() == me && (pid == -1 || c.pid as i32 == pid)).collect();
        if children.is_empty() {
            return Err(Errno::ECHILD);
        }
        if let Some(z) = children.iter().find(|c| c.is_zombie()) {
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

/// kill: `sig` to `pid` (or every process but init and the caller for -1);
/// signal 0 only checks that the target exists.
pub fn kill(pid: i32, sig: u32) -> Result<(), Errno> {
    if sig > sv39_abi::signal::NSIG {
        return Err(Errno::EINVAL);
    }
    let me = scheduler::current().pid;
    let targets: alloc::vec::Vec<_> = match pid {
        -1 => scheduler::all().into_iter().filter(|p| p.pid != INIT_PID && p.pid != me && !p.is_zombie()).collect(),
        p if p > 0 => scheduler::get(p as Pid).filter(|p| !p.is_zombie()).into_iter().collect(),
        _ => return Err(Errno::ESRCH),
    };
    if targets.is_empty() {
        return Err(Errno::ESRCH);
    }
    if sig != 0 {
        targets.iter().for_each(|p| signal::send(p, SigInfo::kill(sig, me as i32, 0)));
    }
    Ok(())
}
