//! The U bit in U-mode (privileged spec 1.12, 4.3.1): "U-mode software may only
//! access the page when U=1." Loads, stores and fetches of U=0 pages from U-mode
//! raise the page fault of their type; U=1 pages obey R/W/X as usual. (AMOs on
//! U=0 pages are in `qemubug_amo_fault`: QEMU 7.2 raises a load page fault.)
#![no_std]
#![no_main]

use mmu_tests::*;
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::PTE_U;

fn test() -> Outcome {
    let code = code_page(0x6666);
    let mut pt = setup(Priv::U);
    let (sup, usr, uro) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x2000);
    pt.map(sup, code, 0, S_RWX);
    pt.map(usr, code, 0, S_RWX | PTE_U);
    pt.map(uro, code, 0, S_R | PTE_U);
    activate(&pt);

    // U=0: every access type faults, even with SUM=1 and MXR=1 (they concern S-mode
    // and X-only pages respectively).
    for (k, bits) in [0, mstatus::SUM | mstatus::MXR].into_iter().enumerate() {
        let n = 1 + 10 * k as u32;
        mstatus_set(bits);
        let ld = run_in(Priv::U, acc_ld, sup + 8);
        let sd = run_in(Priv::U, acc_sd, sup + 16);
        let x = run_in(Priv::U, code_at(sup), 0);
        let lr = run_in(Priv::U, acc_lr, sup + 8);
        mstatus_clear(bits);
        expect_trap(n, ld, LOAD_PAGE_FAULT, sup + 8, addr_of(acc_ld), "U load from U=0 page")?;
        expect_trap(n + 1, sd, STORE_PAGE_FAULT, sup + 16, addr_of(acc_sd), "U store to U=0 page")?;
        expect_trap(n + 2, x, INSTRUCTION_PAGE_FAULT, sup, sup, "U fetch from U=0 page")?;
        expect_trap(n + 3, lr, LOAD_PAGE_FAULT, sup + 8, addr_of(acc_lr), "U LR from U=0 page")?;
    }

    // U=1: all allowed.
    ensure_eq(30, expect_ok(31, run_in(Priv::U, acc_ld, usr + 4088), "U load from U page")?, 0x6666, "value")?;
    expect_ok(32, run_in(Priv::U, acc_sd, usr + 16), "U store to U page")?;
    ensure_eq(33, read64(code + 16), usr + 16, "stored value")?;
    ensure_eq(34, expect_ok(35, run_in(Priv::U, code_at(usr + 4), 9), "U fetch from U page")?, 9, "a0")?;
    // U=1, read-only: store faults.
    expect_trap(36, run_in(Priv::U, acc_sd, uro + 24), STORE_PAGE_FAULT, uro + 24, addr_of(acc_sd), "U store to U read-only page")?;
    expect_trap(37, run_in(Priv::U, code_at(uro), 0), INSTRUCTION_PAGE_FAULT, uro, uro, "U fetch from U read-only page")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("perm_user", test())
}
