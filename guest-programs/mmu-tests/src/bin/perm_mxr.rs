//! MXR (privileged spec 1.12, 4.1.1.2 / 3.1.6.3): "When MXR=0, only loads from pages
//! marked readable (R=1) will succeed. When MXR=1, loads from pages marked either
//! readable or executable (R=1 or X=1) will succeed." MXR changes loads only (LR
//! is a load); stores and fetches are unaffected. It applies in S and U mode.
#![no_std]
#![no_main]

use bare::paging::sfence_vma_all;
use mmu_tests::*;
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::PTE_U;

/// Checks n..n+6 in `mode` for an execute-only page at `xo` and a read-only page at `ro`.
fn cases(n: u32, mode: Priv, xo: u64, ro: u64) -> Outcome {
    // MXR = 0: the execute-only page is unreadable.
    expect_trap(n, run_in(mode, acc_ld, xo + 4088), LOAD_PAGE_FAULT, xo + 4088, addr_of(acc_ld), "X-only load, MXR=0")?;
    mstatus_set(mstatus::MXR);
    let ld = run_in(mode, acc_ld, xo + 4088);
    let lr = run_in(mode, acc_lr, xo + 4088);
    let sd = run_in(mode, acc_sd, xo + 4080);
    let fetch_ro = run_in(mode, code_at(ro), 0);
    let ld_ro = run_in(mode, acc_ld, ro + 4088);
    mstatus_clear(mstatus::MXR);
    ensure_eq(n + 1, expect_ok(n + 2, ld, "X-only load, MXR=1")?, 0x5555, "X-only load value")?;
    ensure_eq(n + 3, expect_ok(n + 4, lr, "X-only LR, MXR=1")?, 0x5555, "X-only LR value")?;
    expect_trap(n + 5, sd, STORE_PAGE_FAULT, xo + 4080, addr_of(acc_sd), "X-only store, MXR=1")?;
    expect_trap(n + 6, fetch_ro, INSTRUCTION_PAGE_FAULT, ro, ro, "R-only fetch, MXR=1")?;
    ensure_eq(n + 7, expect_ok(n + 8, ld_ro, "R-only load, MXR=1")?, 0x5555, "R-only load value")
}

fn test() -> Outcome {
    let code = code_page(0x5555);

    // S mode.
    let mut pt = setup(Priv::S);
    activate(&pt);
    let (xo, ro) = (TEST_VA, TEST_VA + 0x1000);
    pt.map(xo, code, 0, S_X);
    pt.map(ro, code, 0, S_R);
    sfence_vma_all();
    cases(1, Priv::S, xo, ro)?;

    // U mode, with U pages.
    let mut pt = setup(Priv::U);
    pt.map(xo, code, 0, S_X | PTE_U);
    pt.map(ro, code, 0, S_R | PTE_U);
    activate(&pt);
    cases(20, Priv::U, xo, ro)
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("perm_mxr", test())
}
