//! Time system calls: clock_gettime, nanosleep and clock_nanosleep, from
//! the `time` CSR.

use super::SysResult;
use crate::mm::uaccess::{read_value, write_value};
use crate::proc::scheduler::{self, Channel};
use crate::timer;
use sv39_abi::time::{
    Timespec, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID,
    CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME,
};
use sv39_abi::Errno;

const NS_PER_S: u64 = 1_000_000_000;

fn timespec(ns: u64) -> Timespec {
    Timespec { tv_sec: (ns / NS_PER_S) as i64, tv_nsec: (ns % NS_PER_S) as i64 }
}

/// Every clock counts from boot (the board has no real-time clock).
pub fn clock_gettime(clock: u32, tp: u64) -> SysResult {
    match clock {
        CLOCK_REALTIME
        | CLOCK_MONOTONIC
        | CLOCK_PROCESS_CPUTIME_ID
        | CLOCK_THREAD_CPUTIME_ID
        | CLOCK_MONOTONIC_RAW
        | CLOCK_REALTIME_COARSE
        | CLOCK_MONOTONIC_COARSE
        | CLOCK_BOOTTIME => {}
        _ => return Err(Errno::EINVAL),
    }
    write_value(tp, &timespec(timer::now_ns()))?;
    Ok(0)
}

/// nanosleep: sleeps in timer ticks until the time has passed; when killed
/// meanwhile, EINTR with the time left in `rem`.
pub fn nanosleep(req: u64, rem: u64) -> SysResult {
    let t = read_sleep(req)?;
    sleep_until(timer::now_ns().saturating_add(t), rem)
}

/// clock_nanosleep: as nanosleep on `clock`, or with TIMER_ABSTIME until
/// that clock reads `req` (then `rem` is not written); other flag bits
/// are ignored, as in Linux. The clocks able to sleep on are Linux's
/// (clock_nanosleep(2)): a CPU-time clock of a thread is EINVAL, a clock
/// without timers (the raw and coarse ones) EOPNOTSUPP.
pub fn clock_nanosleep(clock: u32, flags: u32, req: u64, rem: u64) -> SysResult {
    match clock {
        CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME | CLOCK_PROCESS_CPUTIME_ID => {}
        CLOCK_MONOTONIC_RAW | CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE => return Err(Errno::EOPNOTSUPP),
        _ => return Err(Errno::EINVAL),
    }
    let t = read_sleep(req)?;
    match flags & TIMER_ABSTIME != 0 {
        true => sleep_until(t, 0),
        false => sleep_until(timer::now_ns().saturating_add(t), rem),
    }
}

/// The time a sleep's `struct timespec` at `req` says, in ns.
fn read_sleep(req: u64) -> Result<u64, Errno> {
    let t: Timespec = read_value(req)?;
    if !t.is_valid() {
        return Err(Errno::EINVAL);
    }
    Ok((t.tv_sec as u64).saturating_mul(NS_PER_S).saturating_add(t.tv_nsec as u64))
}

/// Sleeps in timer ticks until `deadline` (ns since boot); when a signal
/// comes first, EINTR with the time left in `rem` (unless 0).
fn sleep_until(deadline: u64, rem: u64) -> SysResult {
    while timer::now_ns() < deadline {
        if let Err(e) = scheduler::sleep_interruptible(Channel::Timer) {
            if rem != 0 {
                write_value(rem, &timespec(deadline.saturating_sub(timer::now_ns())))?;
            }
            return Err(e);
        }
    }
    Ok(0)
}
