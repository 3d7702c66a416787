//! The thread table and the scheduler: round-robin over runnable threads
//! in tid order, preemption on the timer tick, `wfi` when nothing can run.
//! (A "process" here is one thread, Linux's task; processes proper are
//! thread groups, whose threads share a tgid.)
//!
//! Each process runs on its own kernel stack; giving up the hart is a
//! `switch_context` to the scheduler's context (on the boot stack), which
//! picks the next process and switches to it (as xv6 does).

pub use super::process::Channel;
use super::process::{Context, Pid, Process, State};
use crate::cpu;
use crate::mm::address_space::{self, AddressSpace, Spaces};
use crate::sync::Global;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::arch::global_asm;
use core::cell::{RefCell, UnsafeCell};
use sv39_abi::Errno;

global_asm!(include_str!("switch.S"));

extern "C" {
    fn switch_context(old: *mut Context, new: *const Context);
}

struct Table {
    procs: BTreeMap<Pid, Rc<Process>>,
    next_pid: Pid,
    /// Processes created since boot (/proc/stat `processes`).
    created: u64,
    /// The pid that ran last, where the round-robin search resumes.
    last: Pid,
}

static TABLE: Global<Table> = Global::new(Table { procs: BTreeMap::new(), next_pid: 1, created: 0, last: 0 });
static CURRENT: Global<Option<Rc<Process>>> = Global::new(None);

/// The scheduler's own saved registers.
struct SchedulerContext(UnsafeCell<Context>);

// SAFETY: touched only by switch_context on the one hart.
unsafe impl Sync for SchedulerContext {}

static SCHEDULER: SchedulerContext = SchedulerContext(UnsafeCell::new(Context { ra: 0, sp: 0, s: [0; 12] }));

/// The process running on the hart.
pub fn current() -> Rc<Process> {
    CURRENT.borrow().as_ref().map(Rc::clone).expect("no current process")
}

/// Whether a process is running (false at boot and in the scheduler loop).
pub fn has_current() -> bool {
    CURRENT.borrow().is_some()
}

/// Gives mm its way to the address spaces, which processes own (at boot).
pub fn register_spaces() {
    address_space::register_spaces(Spaces { current: current_space, each: each_space });
}

fn current_space(f: &mut dyn FnMut(&mut AddressSpace)) -> bool {
    let Some(p) = CURRENT.borrow().clone() else { return false };
    let Some(space) = p.inner.borrow().space.clone() else { return false };
    f(&mut space.borrow_mut());
    true
}

/// Each address space once, though the threads of a group share one; a
/// space borrowed at the moment (a fault in it is being served) is skipped.
fn each_space(f: &mut dyn FnMut(&mut AddressSpace)) {
    let mut seen: Vec<Rc<RefCell<AddressSpace>>> = Vec::new();
    for p in all() {
        let Some(space) = p.inner.borrow().space.clone() else { continue };
        if seen.iter().any(|s| Rc::ptr_eq(s, &space)) {
            continue;
        }
        if let Ok(mut s) = space.try_borrow_mut() {
            f(&mut s);
        }
        seen.push(space);
    }
}

/// A fresh pid.
pub fn alloc_pid() -> Pid {
    let mut t = TABLE.borrow_mut();
    let pid = t.next_pid;
    t.next_pid += 1;
    pid
}

/// Adds a new process to the table.
pub fn add(p: Process) {
    let mut t = TABLE.borrow_mut();
    t.created += 1;
    t.procs.insert(p.pid, Rc::new(p));
}

/// Removes a reaped process; the caller drops it outside the table borrow.
pub fn remove(pid: Pid) -> Option<Rc<Process>> {
    TABLE.borrow_mut().procs.remove(&pid)
}

pub fn get(pid: Pid) -> Option<Rc<Process>> {
    TABLE.borrow().procs.get(&pid).map(Rc::clone)
}

/// Every thread, in tid order.
pub fn all() -> Vec<Rc<Process>> {
    TABLE.borrow().procs.values().map(Rc::clone).collect()
}

/// The threads of process `tgid` (zombies included), in tid order.
pub fn threads(tgid: Pid) -> Vec<Rc<Process>> {
    TABLE.borrow().procs.values().filter(|p| p.tgid == tgid).map(Rc::clone).collect()
}

/// Whether process `tgid` has a thread that has not exited.
pub fn group_alive(tgid: Pid) -> bool {
    TABLE.borrow().procs.values().any(|p| p.tgid == tgid && !p.is_zombie())
}

/// (processes alive, created since boot).
pub fn counts() -> (usize, u64) {
    let t = TABLE.borrow();
    (t.procs.len(), t.created)
}

/// The next runnable process after the last one to run, wrapping around.
fn pick_next() -> Option<Rc<Process>> {
    let t = TABLE.borrow();
    let runnable = |p: &&Rc<Process>| p.state.get() == State::Runnable;
    let after = t.procs.range(t.last + 1..).map(|(_, p)| p).find(runnable);
    after.or_else(|| t.procs.values().find(runnable)).map(Rc::clone)
}

/// The scheduler loop, on the boot stack: never returns.
pub fn run() -> ! {
    loop {
        match pick_next() {
            Some(p) => run_process(p),
            None => {
                // Interrupts are taken only here, where the kernel holds nothing.
                cpu::interrupts_on();
                cpu::wait_for_interrupt();
                cpu::interrupts_off();
            }
        }
    }
}

/// Runs `p` until it gives up the hart.
fn run_process(p: Rc<Process>) {
    p.state.set(State::Running);
    TABLE.borrow_mut().last = p.pid;
    if let Some(space) = &p.inner.borrow().space {
        space.borrow().activate();
    }
    let ctx = p.context();
    *CURRENT.borrow_mut() = Some(p);
    // SAFETY: both contexts are live; no kernel borrow is held across the switch.
    unsafe { switch_context(SCHEDULER.0.get(), ctx) };
    let previous = CURRENT.borrow_mut().take();
    // A thread other than the leader is nobody's child: once it has left
    // its kernel stack for good it is reaped here (Linux's autoreap).
    if let Some(p) = previous.filter(|p| p.is_zombie() && !p.is_leader()) {
        drop(remove(p.pid));
    }
}

/// Gives the hart back to the scheduler; the caller has set its state.
fn sched() {
    let ctx = current().context();
    // SAFETY: as in run_process; the Rc above is already dropped, and the
    // table keeps the process (and so its context) alive.
    unsafe { switch_context(ctx, SCHEDULER.0.get()) };
}

/// Gives up the hart for good: the caller is a zombie.
pub fn leave() -> ! {
    sched();
    unreachable!("a zombie was scheduled");
}

/// Lets another runnable process run (timer preemption, sched_yield).
pub fn yield_now() {
    current().state.set(State::Runnable);
    sched();
}

/// Sleeps until `wakeup(chan)`.
pub fn sleep(chan: Channel) {
    current().state.set(State::Sleeping(chan));
    sched();
}

/// Sleeps until `wakeup(chan)`, unless a signal is pending (EINTR). The
/// caller loops, checking what it waits for before sleeping again, so a
/// wait that is over returns its result even if a signal came meanwhile.
pub fn sleep_interruptible(chan: Channel) -> Result<(), Errno> {
    if current().signal_pending() {
        return Err(Errno::EINTR);
    }
    sleep(chan);
    Ok(())
}

/// As `sleep_interruptible`, but also woken at `deadline` (ns since boot).
pub fn sleep_until(chan: Channel, deadline: Option<u64>) -> Result<(), Errno> {
    let p = current();
    p.wake_at.set(deadline);
    drop(p);
    let slept = sleep_interruptible(chan);
    current().wake_at.set(None);
    slept
}

/// Makes every process sleeping on `chan` runnable.
pub fn wakeup(chan: Channel) {
    for p in TABLE.borrow().procs.values() {
        if p.state.get() == State::Sleeping(chan) {
            p.state.set(State::Runnable);
        }
    }
}

/// Makes thread `pid` runnable if it sleeps on `chan`.
pub fn wakeup_thread(pid: Pid, chan: Channel) {
    if let Some(p) = TABLE.borrow().procs.get(&pid).filter(|p| p.state.get() == State::Sleeping(chan)) {
        p.state.set(State::Runnable);
    }
}

/// Wakes the sleepers whose deadline is `now` or past (the timer tick).
pub fn wakeup_expired(now: u64) {
    for p in TABLE.borrow().procs.values() {
        if matches!(p.state.get(), State::Sleeping(_)) && p.wake_at.get().is_some_and(|d| d <= now) {
            p.state.set(State::Runnable);
        }
    }
}

/// Ends an interruptible sleep of `p` (a signal came).
pub fn interrupt(p: &Process) {
    if let State::Sleeping(_) = p.state.get() {
        p.state.set(State::Runnable);
    }
}

/// Marks `p` to die of `sig` and wakes it if it sleeps.
pub fn kill(p: &Process, sig: u32) {
    if p.killed.get().is_none() {
        p.killed.set(Some(sig));
    }
    interrupt(p);
}
