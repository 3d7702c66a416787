//! Processes: creation (the first process, fork), exit, wait and kill.
//! The portable pieces (ELF checks, the initial stack) are in the library.

pub mod exec;
pub mod process;
pub mod scheduler;

pub use guest_os::proc::{elf, stack};

use crate::drivers::finisher;
use crate::fs::vfs::FdTable;
use crate::mm::address_space::AddressSpace;
use crate::trap::TrapFrame;
use alloc::rc::Rc;
use alloc::string::String;
use process::{Channel, Inner, Pid, Process, SpawnError, State};
use sv39_abi::signal::{SIGCHLD, SIGCONT, SIGURG, SIGWINCH};
use sv39_abi::wait::{shell_status, WNOHANG};
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

/// Makes pid 1 with an empty address space and `files`; exec fills it.
pub fn create_init(files: FdTable) -> Result<Rc<Process>, Errno> {
    let space = AddressSpace::new().map_err(|_| Errno::ENOMEM)?;
    let inner =
        Inner { name: String::from("init"), space: Some(space), files, cwd: String::from("/"), clear_child_tid: 0 };
    let pid = scheduler::alloc_pid();
    scheduler::add(Process::new(pid, 0, &TrapFrame::default(), inner)?);
    scheduler::get(pid).ok_or(Errno::ESRCH)
}

/// fork: a copy of the current process whose clone() returns 0.
pub fn fork(frame: &TrapFrame) -> Result<Pid, Errno> {
    let parent = scheduler::current();
    let inner = {
        let p = parent.inner.borrow();
        let space = p.space.as_ref().ok_or(Errno::ESRCH)?.fork().map_err(|_| Errno::ENOMEM)?;
        Inner {
            name: p.name.clone(),
            space: Some(space),
            files: p.files.clone(),
            cwd: p.cwd.clone(),
            clear_child_tid: 0,
        }
    };
    let mut child_frame = *frame;
    child_frame.regs[10] = 0;
    let pid = scheduler::alloc_pid();
    let child = Process::new(pid, parent.pid, &child_frame, inner)?;
    scheduler::add(child);
    Ok(pid)
}

/// Ends the current process with wait status `status`. Never returns.
pub fn exit(status: i32) -> ! {
    let p = scheduler::current();
    let (space, files) = {
        let mut inner = p.inner.borrow_mut();
        (inner.space.take(), core::mem::take(&mut inner.files))
    };
    crate::cpu::switch_satp(crate::mm::kernel_space::kernel_satp(), false);
    drop(space);
    drop(files);
    reparent_children(p.pid);
    p.state.set(State::Zombie(status));
    scheduler::wakeup(Channel::Child(p.ppid.get()));
    if p.pid == INIT_PID {
        finisher::power_off(shell_status(status) as u32);
    }
    drop(p);
    scheduler::leave()
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

/// wait4: waits for a child (`pid` -1 = any) to end; (pid, wait status),
/// or pid 0 with WNOHANG when none has ended yet.
pub fn wait(pid: i32, options: u32) -> Result<(Pid, i32), Errno> {
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
            drop(scheduler::remove(z.pid));
            return Ok((z.pid, status));
        }
        if options & WNOHANG != 0 {
            return Ok((0, 0));
        }
        drop(children);
        scheduler::sleep_interruptible(Channel::Child(me))?;
    }
}

/// Whether `sig`'s default action is to do nothing (so kill ignores it).
fn ignored_by_default(sig: u32) -> bool {
    matches!(sig, SIGCHLD | SIGURG | SIGWINCH | SIGCONT)
}

/// kill: `sig` to `pid` (or every process but init and the caller for -1).
pub fn kill(pid: i32, sig: u32) -> Result<(), Errno> {
    if sig >= 65 {
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
    if sig != 0 && !ignored_by_default(sig) {
        targets.iter().for_each(|p| scheduler::kill(p, sig));
    }
    Ok(())
}
