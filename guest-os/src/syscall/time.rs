//! Time system calls: clock_gettime and nanosleep, from the `time` CSR.

use super::SysResult;
use crate::mm::uaccess::{read_value, write_value};
use crate::proc::scheduler::{self, Channel};
use crate::timer;
use sv39_abi::time::{
    Timespec, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID,
    CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_THREAD_CPUTIME_ID,
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
    let t: Timespec = read_value(req)?;
    if !t.is_valid() {
        return Err(Errno::EINVAL);
    }
    let deadline = timer::now_ns().saturating_add(t.tv_sec as u64 * NS_PER_S + t.tv_nsec as u64);
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
