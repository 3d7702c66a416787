//! futex: FUTEX_WAIT and FUTEX_WAKE (and their BITSET forms), private and
//! shared. A waiter sleeps on the word's key: the address space and address
//! for private memory, the shared object and offset for a shared mapping,
//! so processes that map the same object meet on it wherever it lies.

use super::SysResult;
use crate::mm::address_space::FutexKey;
use crate::mm::uaccess::read_value;
use crate::proc::scheduler::{self, Channel};
use crate::timer;
use sv39_abi::futex::*;
use sv39_abi::time::Timespec;
use sv39_abi::Errno;

/// The key of the word at `uaddr` (private: keyed by this space).
fn key(uaddr: u64, private: bool) -> Result<FutexKey, Errno> {
    let p = scheduler::current();
    let inner = p.inner.borrow();
    let space = inner.space.as_ref().ok_or(Errno::EFAULT)?;
    space.futex_key(uaddr, private).ok_or(Errno::EFAULT)
}

/// The deadline of a wait: `timeout` is relative for FUTEX_WAIT, absolute
/// (on the boot clock, which every clock here is) for FUTEX_WAIT_BITSET.
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
/// it did not hold `val`, ETIMEDOUT, or EINTR for a signal.
fn wait(uaddr: u64, val: u32, deadline: Option<u64>, bitset: u32, private: bool) -> SysResult {
    let key = key(uaddr, private)?;
    if read_value::<u32>(uaddr)? != val {
        return Err(Errno::EAGAIN);
    }
    let p = scheduler::current();
    p.futex_bitset.set(bitset);
    p.futex_woken.set(false);
    loop {
        if deadline.is_some_and(|d| timer::now_ns() >= d) {
            return Err(Errno::ETIMEDOUT);
        }
        scheduler::sleep_until(Channel::Futex(key), deadline)?;
        if p.futex_woken.get() {
            return Ok(0);
        }
    }
}

/// Wakes up to `n` waiters on the word at `uaddr` whose bitset meets
/// `bitset`; returns how many.
pub fn wake(uaddr: u64, n: u32, bitset: u32, private: bool) -> SysResult {
    let key = key(uaddr, private)?;
    let woken = scheduler::wakeup_some(Channel::Futex(key), n as usize, |p| {
        let chosen = p.futex_bitset.get() & bitset != 0;
        if chosen {
            p.futex_woken.set(true);
        }
        chosen
    });
    Ok(woken)
}

pub fn futex(uaddr: u64, op: u32, val: u32, timeout: u64, val3: u32) -> SysResult {
    if !uaddr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    let private = op & FUTEX_PRIVATE_FLAG != 0;
    match op & FUTEX_CMD_MASK {
        FUTEX_WAIT => wait(uaddr, val, deadline(timeout, false)?, FUTEX_BITSET_MATCH_ANY, private),
        FUTEX_WAKE => wake(uaddr, val, FUTEX_BITSET_MATCH_ANY, private),
        FUTEX_WAIT_BITSET | FUTEX_WAKE_BITSET if val3 == 0 => Err(Errno::EINVAL),
        FUTEX_WAIT_BITSET => wait(uaddr, val, deadline(timeout, true)?, val3, private),
        FUTEX_WAKE_BITSET => wake(uaddr, val, val3, private),
        _ => Err(Errno::ENOSYS),
    }
}
