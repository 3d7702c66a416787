//! The robust futex list a thread registers with set_robust_list(2), walked
//! when the thread exits or execs, as Linux's exit_robust_list
//! (kernel/futex/core.c): each lock word the thread still owns gets
//! FUTEX_OWNER_DIED (keeping FUTEX_WAITERS), and one waiter is woken if
//! there were waiters, so the next owner learns of the death (EOWNERDEAD).
//!
//! The list lives in user memory: `struct robust_list_head { next;
//! futex_offset; list_op_pending }`, each link pointing at the next, the
//! last at the head; bit 0 of a link marks a PI futex (whose waiters this
//! kernel does not wake: it has no PI futexes). Any fault ends the walk, as
//! in Linux; at most ROBUST_LIST_LIMIT links are followed.

use super::process::Process;
use crate::mm::uaccess::{read_value, write_value};
use sv39_abi::futex::*;

/// A link read from user memory: (address, PI bit).
fn fetch_link(at: u64) -> Option<(u64, bool)> {
    let link: u64 = read_value(at).ok()?;
    Some((link & !1, link & 1 != 0))
}

/// Linux's handle_futex_death for the word at `uaddr` of dying thread
/// `tid`; `pending` for the list_op_pending entry. `None` on a fault.
fn futex_death(uaddr: u64, tid: u32, pi: bool, pending: bool) -> Option<()> {
    if !uaddr.is_multiple_of(4) {
        return None;
    }
    let word: u32 = read_value(uaddr).ok()?;
    // A lock being taken when the thread died, still 0: its waiter (if any)
    // must not wait for an owner that never came.
    if pending && !pi && word == 0 {
        let _ = crate::syscall::futex::wake(uaddr, 1, FUTEX_BITSET_MATCH_ANY, false);
        return Some(());
    }
    if word & FUTEX_TID_MASK != tid {
        return Some(());
    }
    // One hart and no preemption in the kernel: this read-modify-write is
    // the cmpxchg Linux needs.
    write_value(uaddr, &(word & FUTEX_WAITERS | FUTEX_OWNER_DIED)).ok()?;
    if !pi && word & FUTEX_WAITERS != 0 {
        let _ = crate::syscall::futex::wake(uaddr, 1, FUTEX_BITSET_MATCH_ANY, false);
    }
    Some(())
}

/// Walks `p`'s robust list (p is the current thread, its address space
/// active) and forgets it.
pub fn exit_robust_list(p: &Process) {
    let head = p.robust_list.replace(0);
    if head != 0 {
        let _ = walk(head, p.pid);
    }
}

fn walk(head: u64, tid: u32) -> Option<()> {
    let (mut entry, mut pi) = fetch_link(head)?;
    // A signed offset: added with wrapping arithmetic.
    let offset: u64 = read_value(head + 8).ok()?;
    let (pending, pending_pi) = fetch_link(head + 16)?;
    let mut limit = ROBUST_LIST_LIMIT;
    while entry != head {
        let next = fetch_link(entry);
        if entry != pending {
            futex_death(entry.wrapping_add(offset), tid, pi, false)?;
        }
        (entry, pi) = next?;
        limit -= 1;
        if limit == 0 {
            break;
        }
    }
    if pending != 0 {
        futex_death(pending.wrapping_add(offset), tid, pending_pi, true)?;
    }
    Some(())
}
