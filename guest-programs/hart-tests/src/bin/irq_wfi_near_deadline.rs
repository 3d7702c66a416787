//! WFI wakes when an enabled timer fires soon after the wait begins
//! (privileged spec 3.3.3: WFI resumes once an interrupt is pending and
//! enabled in mie). The Sstc stimecmp is armed 0.5 to 2.5 ms ahead (5,000 to
//! 25,000 ticks at 10 MHz), then the hart waits; the offsets step by a prime,
//! so the deadline falls at many points of the emulator's quantum, and in
//! the quantum after the one where the wait began. The machine must neither
//! hang nor stop as though nothing could wake it.
#![no_std]
#![no_main]

use bare as _;
use core::arch::asm;

const MENVCFG_STCE: u64 = 1 << 63;
const MCOUNTEREN_TM: u64 = 1 << 1;
const MIE_STIE: u64 = 1 << 5;

fn time() -> u64 {
    let t: u64;
    // SAFETY: reading the time CSR has no side effect.
    unsafe { asm!("csrr {}, time", out(reg) t) };
    t
}

fn mip() -> u64 {
    let m: u64;
    // SAFETY: reading mip has no side effect.
    unsafe { asm!("csrr {}, mip", out(reg) m) };
    m
}

#[no_mangle]
extern "C" fn main() -> u32 {
    // SAFETY: M-mode CSR writes that only enable the Sstc timer's wake-up;
    // mstatus.MIE stays 0, so no trap is taken and each wfi falls through.
    unsafe {
        asm!("csrs menvcfg, {}", in(reg) MENVCFG_STCE);
        asm!("csrs mcounteren, {}", in(reg) MCOUNTEREN_TM);
        asm!("csrw mie, {}", in(reg) MIE_STIE);
    }
    for ahead in (5_000..25_000).step_by(997) {
        let deadline = time() + ahead;
        // SAFETY: as above; arming stimecmp clears STIP until the deadline.
        unsafe {
            asm!("csrw stimecmp, {}", in(reg) deadline);
            asm!("wfi");
        }
        // A WFI may also return early (it is a hint): wait out the deadline anyway.
        while time() < deadline {}
        if mip() & MIE_STIE == 0 {
            return 1; // STIP must be pending once time passed stimecmp
        }
    }
    0
}
