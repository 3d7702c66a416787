//! The timer: a tick every 10 ms for preemption and sleeping, through Sstc's
//! stimecmp when the hart has it, else through the CLINT via the M-mode stage
//! (boot/mtrap.S). Time since boot comes from the `time` CSR.

use crate::cpu;
use crate::proc::scheduler::{self, Channel};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Ticks per second.
pub const HZ: u64 = 100;

/// M-mode calls (boot/mtrap.S).
const MCALL_SET_TIMER: u64 = 0;
const MCALL_TIMER_INIT: u64 = 1;

static TIMEBASE_HZ: AtomicU64 = AtomicU64::new(10_000_000);
static USE_SSTC: AtomicBool = AtomicBool::new(false);
static TICKS: AtomicU64 = AtomicU64::new(0);

/// Starts ticking. `mtimecmp` is the boot hart's CLINT comparator (physical,
/// 0 if there is no CLINT): parked at "never", then used for the ticks when
/// `sstc` is false; `finisher` lets M-mode power off on a fault.
pub fn init(timebase_hz: u64, sstc: bool, mtimecmp: u64, finisher: u64) {
    TIMEBASE_HZ.store(timebase_hz.max(1), Ordering::Relaxed);
    USE_SSTC.store(sstc, Ordering::Relaxed);
    let ret = cpu::machine_call(MCALL_TIMER_INIT, sstc as u64, mtimecmp, finisher);
    assert_eq!(ret, 0, "the M-mode stage refused the timer set-up");
    set_next();
}

/// Arms the next tick.
fn set_next() {
    let deadline = cpu::time() + TIMEBASE_HZ.load(Ordering::Relaxed) / HZ;
    if USE_SSTC.load(Ordering::Relaxed) {
        cpu::set_stimecmp(deadline);
    } else {
        cpu::machine_call(MCALL_SET_TIMER, deadline, 0, 0);
    }
}

/// The timer interrupt: arms the next tick and wakes sleepers, those of
/// timed sleeps whose time has come too.
pub fn tick() {
    TICKS.fetch_add(1, Ordering::Relaxed);
    set_next();
    scheduler::wakeup(Channel::Timer);
    scheduler::wakeup_expired(now_ns());
}

/// Nanoseconds since boot.
pub fn now_ns() -> u64 {
    const NS: u64 = 1_000_000_000;
    let (t, hz) = (cpu::time(), TIMEBASE_HZ.load(Ordering::Relaxed).max(1));
    // In u64 (u128 division is a long software routine on RV64).
    (t / hz) * NS + (t % hz) * NS / hz
}

/// Whether the timer runs through Sstc.
pub fn uses_sstc() -> bool {
    USE_SSTC.load(Ordering::Relaxed)
}
