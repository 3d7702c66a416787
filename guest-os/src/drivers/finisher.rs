//! The SiFive test finisher: powers the machine off with a status.

use super::write32;
use core::sync::atomic::{AtomicU64, Ordering};
use sv39_arch::memmap::{FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET};

static BASE: AtomicU64 = AtomicU64::new(0);

/// Uses the finisher at kernel address `base`.
pub fn init(base: u64) {
    BASE.store(base, Ordering::Relaxed);
}

/// Powers off: pass for status 0, else fail with `status` in bits 16-31.
pub fn power_off(status: u32) -> ! {
    finish(if status == 0 { FINISHER_PASS } else { (status << 16) | FINISHER_FAIL })
}

/// Resets the machine.
pub fn reset() -> ! {
    finish(FINISHER_RESET)
}

fn finish(word: u32) -> ! {
    let base = BASE.load(Ordering::Relaxed);
    if base != 0 {
        // SAFETY: the finisher's register, mapped from the DTB's address.
        unsafe { write32(base, word) };
    }
    crate::println!("[kernel] no test finisher to power off with; halting");
    loop {
        crate::cpu::wait_for_interrupt();
    }
}
