//! The OOM killer. A user fault that finds no frame, after reclaim has
//! swapped out what it could (swap full or absent), ends the process that
//! frees the most, as Linux's oom_kill does: badness is resident plus
//! swapped pages, init is spared unless nothing else is left, and one
//! report line names the victim. Everyone else goes on: the faulting
//! process, if it was not the victim, yields until the victim has died and
//! faults again.

use super::process::{Pid, Process};
use super::{scheduler, signal, INIT_PID};
use alloc::rc::Rc;
use alloc::vec::Vec;
use sv39_abi::signal::SIGKILL;

/// A thread group that holds memory, with its pages.
struct Candidate {
    leader: Rc<Process>,
    resident: usize,
    swapped: usize,
    virtual_kb: u64,
    dying: bool,
}

impl Candidate {
    fn badness(&self) -> usize {
        self.resident + self.swapped
    }
}

/// Chooses and kills a victim for `current`'s failed fault. `current`
/// then dies on its way back to user mode, or, when another process was
/// chosen, runs the faulting instruction again.
pub fn out_of_memory(current: &Process) {
    let groups = candidates();
    if groups.iter().any(|c| c.dying && c.badness() > 0) {
        return scheduler::yield_now(); // let the victim die first
    }
    let spared = |c: &&Candidate| c.leader.pid != INIT_PID;
    let victim = groups.iter().filter(spared).max_by_key(|c| c.badness());
    let victim = victim.or_else(|| groups.iter().find(|c| c.leader.tgid == current.tgid));
    let Some(victim) = victim else { return signal::kill_group(current, SIGKILL) };
    report(victim);
    signal::kill_group(&victim.leader, SIGKILL);
    if victim.leader.tgid != current.tgid {
        scheduler::yield_now();
    }
}

fn report(victim: &Candidate) {
    crate::println!(
        "[kernel] Out of memory: Killed process {} ({}) total-vm:{}kB, rss:{}kB, swap:{}kB",
        victim.leader.tgid,
        victim.leader.inner.borrow().name,
        victim.virtual_kb,
        victim.resident * 4,
        victim.swapped * 4,
    );
}

/// Every live thread group with an address space, once each.
fn candidates() -> Vec<Candidate> {
    let mut seen: Vec<Pid> = Vec::new();
    let mut out = Vec::new();
    for t in scheduler::all() {
        if t.is_zombie() || seen.contains(&t.tgid) {
            continue;
        }
        seen.push(t.tgid);
        let Some(space) = t.inner.borrow().space.clone() else { continue };
        let Ok(space) = space.try_borrow() else { continue };
        let leader = scheduler::get(t.tgid).unwrap_or_else(|| t.clone());
        let dying = scheduler::threads(t.tgid).iter().any(|p| !p.is_zombie() && p.killed.get() == Some(SIGKILL));
        out.push(Candidate {
            resident: space.resident_pages().0,
            swapped: space.swapped_pages(),
            virtual_kb: space.virtual_size() / 1024,
            dying,
            leader,
        });
    }
    out
}
