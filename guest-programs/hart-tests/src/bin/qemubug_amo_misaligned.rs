//! A misaligned AMO raises a store/AMO exception. Unpriv spec 8.4: "If the
//! address is not naturally aligned, an address-misaligned exception or an
//! access-fault exception will be generated"; priv spec table 3.6 names the
//! causes an AMO can raise: 6 "Store/AMO address misaligned", 7 "Store/AMO
//! access fault". QEMU 7.2 raises cause 4 "Load address misaligned".
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

static mut CELL: [u64; 2] = [0; 2];

extern "C" fn amoadd_w(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("amoadd.w {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 1u64, p = in(reg) p) };
    d
}

extern "C" fn amoswap_d(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("amoswap.d {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 1u64, p = in(reg) p) };
    d
}

fn body() -> Checks {
    setup();
    let base = &raw mut CELL as u64;
    let store_amo = [exc::STORE_ADDRESS_MISALIGNED, exc::STORE_ACCESS_FAULT];
    for (i, mode) in [Priv::M, Priv::S, Priv::U].into_iter().enumerate() {
        let n = 1 + 2 * i as u32;
        expect_trap_in(n, run_in(mode, amoadd_w, base + 2), &store_amo, Some(base + 2))?;
        expect_trap_in(n + 1, run_in(mode, amoswap_d, base + 4), &store_amo, Some(base + 4))?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
