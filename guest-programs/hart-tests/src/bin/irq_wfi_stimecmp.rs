//! WFI wakes when an enabled timer fires, even while another timer that is
//! disabled has long expired (privileged spec 3.3.3: WFI resumes when any
//! interrupt is pending and enabled in mie, whatever mstatus.MIE says). Here
//! mtimecmp keeps its reset value 0 with MTIE clear, and the Sstc stimecmp,
//! enabled through STIE, is the only thing that can end the wait.
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

#[no_mangle]
extern "C" fn main() -> u32 {
    // 100 ms at 10 MHz: longer than any single quantum of the emulator.
    let deadline = time() + 1_000_000;
    // SAFETY: M-mode CSR writes that only arm the Sstc timer; MIE stays 0, so
    // no trap is taken and execution resumes after the wfi.
    unsafe {
        asm!("csrs menvcfg, {}", in(reg) MENVCFG_STCE);
        asm!("csrs mcounteren, {}", in(reg) MCOUNTEREN_TM);
        asm!("csrw stimecmp, {}", in(reg) deadline);
        asm!("csrw mie, {}", in(reg) MIE_STIE);
        asm!("wfi");
    }
    // A WFI may also return early (it is a hint): wait out the deadline anyway.
    while time() < deadline {}
    let mip: u64;
    // SAFETY: reading mip has no side effect.
    unsafe { asm!("csrr {}, mip", out(reg) mip) };
    if mip & MIE_STIE == 0 {
        return 1; // STIP must be pending once time passed stimecmp
    }
    0
}
