//! A misaligned SC traps whether or not a reservation is held. Unpriv spec 8.2:
//! "For LR and SC, the A extension requires that the address held in rs1 be
//! naturally aligned to the size of the operand ... If the address is not
//! naturally aligned, an address-misaligned exception or an access-fault
//! exception will be generated"; for SC these are causes 6 "Store/AMO address
//! misaligned" / 7 "Store/AMO access fault" (priv table 3.6). QEMU 7.2: with no
//! reservation the SC just fails (rd = 1, no trap); after an LR.W at the same
//! address, SC.D raises cause 4.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

static mut CELL: [u64; 2] = [0; 2];

extern "C" fn sc_w(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("sc.w {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 7u64, p = in(reg) p) };
    d
}

/// lr.w at p (aligned for a word), then sc.d at p (misaligned for a doubleword).
extern "C" fn lr_w_sc_d(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("lr.w {d}, ({p})", "sc.d {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 7u64, p = in(reg) p) };
    d
}

fn body() -> Checks {
    setup();
    let base = &raw mut CELL as u64;
    let store_amo = [exc::STORE_ADDRESS_MISALIGNED, exc::STORE_ACCESS_FAULT];
    for (i, mode) in [Priv::M, Priv::U].into_iter().enumerate() {
        let n = 1 + 2 * i as u32;
        expect_trap_in(n, run_in(mode, sc_w, base + 2), &store_amo, Some(base + 2))?;
        expect_trap_in(n + 1, run_in(mode, lr_w_sc_d, base + 4), &store_amo, Some(base + 4))?;
    }
    // SAFETY: CELL is ours.
    check_eq!(5, unsafe { (&raw const CELL).read_volatile() }, [0, 0]);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
