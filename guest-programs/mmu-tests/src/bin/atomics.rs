//! LR, SC and AMOs under translation (privileged spec 1.12, 4.3.1): "a load or
//! load-reserved instruction ... without read permissions raises a load page-fault
//! exception. ... a store, store-conditional, or AMO instruction ... without write
//! permissions raises a store page-fault exception." Note: "AMOs never raise load
//! page-fault exceptions. Since any unreadable page is also unwritable, attempting
//! to perform an AMO on an unreadable page always raises a store page-fault exception."
#![no_std]
#![no_main]

use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{make_pte, PTE_A, PTE_D, PTE_R, PTE_W};

fn test() -> Outcome {
    let code = code_page(0x8888);
    let mut pt = setup(Priv::S);
    let (rw, ro, xo, inv) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x2000, TEST_VA + 0x3000);
    pt.map(rw, code, 0, S_RW);
    pt.map(ro, code, 0, S_R);
    pt.map(xo, code, 0, S_X);
    pt.set_pte(inv, 0, make_pte(code, PTE_R | PTE_W | PTE_A | PTE_D)); // V = 0
    activate(&pt);

    // LR: a load.
    ensure_eq(1, expect_ok(2, run_in(Priv::S, acc_lr, ro + 4088), "LR on read-only page")?, 0x8888, "LR value")?;
    expect_trap(3, run_in(Priv::S, acc_lr, xo + 8), LOAD_PAGE_FAULT, xo + 8, addr_of(acc_lr), "LR on X-only page")?;
    expect_trap(4, run_in(Priv::S, acc_lr, inv + 8), LOAD_PAGE_FAULT, inv + 8, addr_of(acc_lr), "LR on invalid page")?;

    // SC with the reservation held (LR first) on a read-only page: store page fault at the SC.
    let sc = addr_of(acc_lrsc) + 4;
    expect_trap(10, run_in(Priv::S, acc_lrsc, ro + 16), STORE_PAGE_FAULT, ro + 16, sc, "SC on read-only page")?;
    // On a writable page it succeeds (rd = 0).
    ensure_eq(11, expect_ok(12, run_in(Priv::S, acc_lrsc, rw + 4088), "LR/SC on RW page")?, 0, "SC result")?;

    // AMO on a read-only page: store page fault. (Unreadable pages are in
    // `qemubug_amo_fault`: QEMU 7.2 raises a load page fault there.)
    let amo = addr_of(acc_amo);
    expect_trap(20, run_in(Priv::S, acc_amo, ro + 24), STORE_PAGE_FAULT, ro + 24, amo, "AMO on read-only page")?;
    ensure_eq(21, read64(code + 24), RET2, "faulting AMO left memory alone")?;
    write64(code + 32, 5);
    ensure_eq(24, expect_ok(25, run_in(Priv::S, acc_amo, rw + 32), "AMO on RW page")?, 5, "AMO old value")?;
    ensure_eq(26, read64(code + 32), 5 + rw + 32, "AMO result")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("atomics", test())
}
