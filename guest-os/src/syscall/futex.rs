//! futex(2): FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE,
//! FUTEX_WAIT_BITSET and FUTEX_WAKE_BITSET, private (FUTEX_PRIVATE_FLAG)
//! and shared, with timeouts. The keys and the queue of waiters are the
//! portable proc/futex_queue.rs; here a waiter sleeps until a wake takes it
//! off the queue, its deadline passes, or a signal comes.

use super::SysResult;
use crate::mm::address_space::FutexKey;
use crate::mm::uaccess::read_value;
use crate::proc::futex_queue::FutexQueue;
use crate::proc::scheduler::{self, Channel};
use crate::sync::Global;
use crate::timer;
use sv39_abi::futex::*;
use sv39_abi::time::Timespec;
use sv39_abi::Errno;

/// Every thread waiting on a futex.
static QUEUE: Global<FutexQueue> = Global::new(FutexQueue::new());

/// The key of the word at `uaddr` (futex_queue.rs): EINVAL unless aligned,
/// EFAULT if a shared key names no mapping.
fn key(uaddr: u64, private: bool) -> Result<FutexKey, Errno> {
    if !uaddr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    if uaddr >= crate::memlayout::USER_TOP {
        return Err(Errno::EFAULT);
    }
    let p = scheduler::current();
    let inner = p.inner.borrow();
    let space = inner.space.as_ref().ok_or(Errno::EFAULT)?;
    let key = space.borrow().futex_key(uaddr, private);
    key.ok_or(Errno::EFAULT)
}

/// The deadline of a wait, in ns on the boot clock: `timeout` is relative
/// for FUTEX_WAIT and absolute for FUTEX_WAIT_BITSET (on CLOCK_MONOTONIC,
/// or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME: both count from boot here,
/// as clock_gettime says).
fn deadline(timeout: u64, absolute: bool) -> Result<Option<u64>, Errno> {
    if timeout == 0 {
        return Ok(None);
    }
    let t: Timespec = read_value(timeout)?;
    if !t.is_valid() {
        return Err(Errno::EINVAL);
    }
    let ns = (t.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(t.tv_nsec as u64);
    Ok(Some(if absolute { ns } else { timer::now_ns().saturating_add(ns) }))
}

/// Sleeps while the word at `uaddr` holds `val`: 0 when woken, EAGAIN if
/// it did not hold `val`, ETIMEDOUT, or EINTR for a signal. (One hart and
/// no preemption in the kernel: nothing runs between the read and the
/// enqueue, which Linux's hash-bucket lock gives it.)
fn wait(uaddr: u64, val: u32, deadline: Option<u64>, bitset: u32, private: bool) -> SysResult {
    if bitset == 0 {
        return Err(Errno::EINVAL);
    }
    let key = key(uaddr, private)?;
    if read_value::<u32>(uaddr)? != val {
        return Err(Errno::EAGAIN);
    }
    let tid = scheduler::current().pid;
    QUEUE.borrow_mut().enqueue(key, tid, bitset);
    loop {
        let expired = deadline.is_some_and(|d| timer::now_ns() >= d);
        let slept = if expired { Err(Errno::ETIMEDOUT) } else { scheduler::sleep_until(Channel::Futex, deadline) };
        if !QUEUE.borrow().is_queued(tid) {
            return Ok(0);
        }
        if let Err(e) = slept {
            QUEUE.borrow_mut().remove(tid);
            return Err(e);
        }
    }
}

/// Makes the threads a wake took off the queue runnable.
fn resume(tids: &[u32]) {
    for &tid in tids {
        scheduler::wakeup_thread(tid, Channel::Futex);
    }
}

/// Wakes up to `n` waiters on the word at `uaddr` whose bitset meets
/// `bitset`; returns how many.
pub fn wake(uaddr: u64, n: u32, bitset: u32, private: bool) -> SysResult {
    if bitset == 0 {
        return Err(Errno::EINVAL);
    }
    let key = key(uaddr, private)?;
    let woken = QUEUE.borrow_mut().wake(key, n as usize, bitset);
    resume(&woken);
    Ok(woken.len())
}

/// FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (with `expected`, the word at
/// `uaddr` must hold it, else EAGAIN): wakes `n_wake` waiters and moves
/// up to `n_requeue` others to `uaddr2`; returns both counts together, as
/// Linux's futex_requeue does for either operation.
fn requeue(uaddr: u64, uaddr2: u64, n_wake: u32, n_requeue: u32, expected: Option<u32>, private: bool) -> SysResult {
    if (n_wake as i32) < 0 || (n_requeue as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let (from, to) = (key(uaddr, private)?, key(uaddr2, private)?);
    if let Some(val) = expected {
        if read_value::<u32>(uaddr)? != val {
            return Err(Errno::EAGAIN);
        }
    }
    let (woken, moved) = QUEUE.borrow_mut().requeue(from, to, n_wake as usize, n_requeue as usize);
    resume(&woken);
    Ok(woken.len() + moved)
}

/// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
pub fn futex(uaddr: u64, op: u32, val: u32, timeout: u64, uaddr2: u64, val3: u32) -> SysResult {
    let private = op & FUTEX_PRIVATE_FLAG != 0;
    let cmd = op & FUTEX_CMD_MASK;
    // kernel/futex/syscalls.c: the realtime clock only for an absolute wait.
    if op & FUTEX_CLOCK_REALTIME != 0 && cmd != FUTEX_WAIT_BITSET {
        return Err(Errno::ENOSYS);
    }
    match cmd {
        FUTEX_WAIT => wait(uaddr, val, deadline(timeout, false)?, FUTEX_BITSET_MATCH_ANY, private),
        FUTEX_WAKE => wake(uaddr, val, FUTEX_BITSET_MATCH_ANY, private),
        FUTEX_WAIT_BITSET => wait(uaddr, val, deadline(timeout, true)?, val3, private),
        FUTEX_WAKE_BITSET => wake(uaddr, val, val3, private),
        FUTEX_REQUEUE => requeue(uaddr, uaddr2, val, timeout as u32, None, private),
        FUTEX_CMP_REQUEUE => requeue(uaddr, uaddr2, val, timeout as u32, Some(val3), private),
        _ => Err(Errno::ENOSYS),
    }
}
