//! SUM (privileged spec 1.12, 4.1.1.2): "When SUM=0, S-mode memory accesses to pages
//! that are accessible by U-mode (U=1) will fault. When SUM=1, these accesses are
//! permitted. ... Note that S-mode can never execute instructions from user pages,
//! regardless of the state of SUM." (4.3.1: "Irrespective of SUM, the supervisor
//! may not execute code on pages with U=1.")
#![no_std]
#![no_main]

use mmu_tests::*;
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::PTE_U;

fn test() -> Outcome {
    let code = code_page(0x7777);
    let mut pt = setup(Priv::S);
    let (usr, uxo, sup) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x2000);
    pt.map(usr, code, 0, S_RWX | PTE_U);
    pt.map(uxo, code, 0, S_X | PTE_U);
    pt.map(sup, code, 0, S_RWX);
    activate(&pt);

    // SUM = 0: loads, stores and LR to U pages fault; fetches too. (AMOs: see
    // `qemubug_amo_fault`, QEMU 7.2 raises a load page fault.)
    expect_trap(1, run_in(Priv::S, acc_ld, usr + 8), LOAD_PAGE_FAULT, usr + 8, addr_of(acc_ld), "S load, SUM=0")?;
    expect_trap(2, run_in(Priv::S, acc_sd, usr + 16), STORE_PAGE_FAULT, usr + 16, addr_of(acc_sd), "S store, SUM=0")?;
    expect_trap(3, run_in(Priv::S, acc_lr, usr + 8), LOAD_PAGE_FAULT, usr + 8, addr_of(acc_lr), "S LR, SUM=0")?;
    expect_trap(5, run_in(Priv::S, code_at(usr), 0), INSTRUCTION_PAGE_FAULT, usr, usr, "S fetch, SUM=0")?;

    // SUM = 1: loads and stores succeed; fetch still faults.
    mstatus_set(mstatus::SUM);
    let ld = run_in(Priv::S, acc_ld, usr + 4088);
    let sd = run_in(Priv::S, acc_sd, usr + 16);
    let amo = run_in(Priv::S, acc_amo, usr + 16);
    let x = run_in(Priv::S, code_at(usr), 0);
    let xo = run_in(Priv::S, acc_ld, uxo + 4088);
    let sup_ld = run_in(Priv::S, acc_ld, sup + 4088);
    mstatus_set(mstatus::MXR);
    let xo_mxr = run_in(Priv::S, acc_ld, uxo + 4088);
    mstatus_clear(mstatus::SUM | mstatus::MXR);
    ensure_eq(10, expect_ok(11, ld, "S load, SUM=1")?, 0x7777, "value")?;
    expect_ok(12, sd, "S store, SUM=1")?;
    ensure_eq(13, expect_ok(14, amo, "S AMO, SUM=1")?, usr + 16, "AMO old value")?;
    ensure_eq(15, read64(code + 16), 2 * (usr + 16), "AMO result")?;
    expect_trap(16, x, INSTRUCTION_PAGE_FAULT, usr, usr, "S fetch, SUM=1")?;
    // SUM does not make an X-only U page readable; MXR does.
    expect_trap(17, xo, LOAD_PAGE_FAULT, uxo + 4088, addr_of(acc_ld), "S load of X-only U page, SUM=1")?;
    ensure_eq(18, expect_ok(19, xo_mxr, "S load of X-only U page, SUM=1 MXR=1")?, 0x7777, "value")?;
    // U = 0 pages are unaffected by SUM.
    ensure_eq(20, expect_ok(21, sup_ld, "S load of S page, SUM=1")?, 0x7777, "value")?;
    ensure_eq(22, expect_ok(23, run_in(Priv::S, code_at(sup), 3), "S fetch of S page")?, 3, "a0")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("perm_sum", test())
}
