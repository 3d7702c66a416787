//! Sessions and process groups (credentials(7), setpgid(2), setsid(2)):
//! each process belongs to a process group, and each group to a session;
//! a session leader may take the terminal as its controlling terminal
//! (`tty`), whose foreground process group gets the signals the terminal's
//! keys send. Linux keeps these ids in the signal_struct, shared by a
//! process's threads; so does this kernel (`SignalState::job`).
//!
//! There is no job control: no process is ever stopped, so a background
//! process reading or writing its terminal gets no SIGTTIN or SIGTTOU.

use super::process::{Pid, Process};
use super::{scheduler, signal};
use alloc::rc::Rc;
use alloc::vec::Vec;
use sv39_abi::signal::{SigInfo, SI_KERNEL};
use sv39_abi::Errno;

/// A process's process group and session, and whether it has the terminal
/// as its controlling terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Job {
    pub pgid: Pid,
    pub sid: Pid,
    pub ctty: bool,
    /// Set at execve (Linux's PF_FORKNOEXEC cleared): setpgid on the
    /// process by its parent is then EACCES.
    pub execed: bool,
}

/// The job ids of process `p`.
pub fn job(p: &Process) -> Job {
    p.signals.borrow().job
}

fn set_job(p: &Process, job: Job) {
    p.signals.borrow_mut().job = job;
}

/// The live processes (thread-group leaders) whose `job` satisfies `f`.
fn processes(f: impl Fn(&Job) -> bool) -> Vec<Rc<Process>> {
    scheduler::all().into_iter().filter(|p| p.is_leader() && scheduler::group_alive(p.tgid) && f(&job(p))).collect()
}

/// The process `pid` (0: the caller), alive.
fn process(pid: i32) -> Result<Rc<Process>, Errno> {
    let me = scheduler::current();
    let pid = if pid == 0 { me.tgid } else { pid as Pid };
    scheduler::get(pid).filter(|p| scheduler::group_alive(p.tgid)).ok_or(Errno::ESRCH)
}

/// Whether process group `pgid` has a member in session `sid`.
pub fn group_in_session(pgid: Pid, sid: Pid) -> bool {
    !processes(|j| j.pgid == pgid && j.sid == sid).is_empty()
}

/// setpgid(pid, pgid), with setpgid(2)'s checks in Linux's order.
pub fn setpgid(pid: i32, pgid: i32) -> Result<(), Errno> {
    if pgid < 0 {
        return Err(Errno::EINVAL);
    }
    let me = scheduler::current();
    let target = process(pid)?;
    if !target.is_leader() {
        return Err(Errno::EINVAL);
    }
    let (mine, theirs) = (job(&me), job(&target));
    if target.tgid != me.tgid {
        if target.ppid.get() != me.tgid {
            return Err(Errno::ESRCH);
        }
        if theirs.sid != mine.sid {
            return Err(Errno::EPERM);
        }
        if theirs.execed {
            return Err(Errno::EACCES);
        }
    }
    if theirs.sid == target.tgid {
        return Err(Errno::EPERM);
    }
    let pgid = if pgid == 0 { target.tgid } else { pgid as Pid };
    if pgid != target.tgid && !group_in_session(pgid, mine.sid) {
        return Err(Errno::EPERM);
    }
    set_job(&target, Job { pgid, ..theirs });
    Ok(())
}

/// getpgid(pid): the process group of `pid` (0: the caller).
pub fn getpgid(pid: i32) -> Result<Pid, Errno> {
    Ok(job(&*process(pid)?).pgid)
}

/// getsid(pid): the session of `pid` (0: the caller).
pub fn getsid(pid: i32) -> Result<Pid, Errno> {
    Ok(job(&*process(pid)?).sid)
}

/// setsid: the caller leads a new session and process group, without a
/// controlling terminal; EPERM if it already leads a process group.
pub fn setsid() -> Result<Pid, Errno> {
    let me = scheduler::current();
    if !processes(|j| j.pgid == me.tgid).is_empty() {
        return Err(Errno::EPERM);
    }
    let execed = job(&me).execed;
    set_job(&me, Job { pgid: me.tgid, sid: me.tgid, ctty: false, execed });
    Ok(me.tgid)
}

/// Sends `sig` to every process of group `pgid`; false if it has none.
pub fn kill_group(pgid: Pid, info: SigInfo) -> bool {
    let members = processes(|j| j.pgid == pgid);
    members.iter().for_each(|p| signal::send_to_process(p, info));
    !members.is_empty()
}

/// A signal from the terminal (n_tty's isig) to its foreground group.
pub fn signal_from_terminal(pgid: Pid, sig: u32) {
    let mut info = SigInfo::kill(sig, 0, 0);
    info.si_code = SI_KERNEL;
    kill_group(pgid, info);
}

/// The processes of session `sid` lose their controlling terminal (its
/// leader has ended: Linux's disassociate_ctty).
pub fn drop_controlling_terminal(sid: Pid) {
    for p in processes(|j| j.sid == sid && j.ctty) {
        let j = job(&p);
        set_job(&p, Job { ctty: false, ..j });
    }
}
