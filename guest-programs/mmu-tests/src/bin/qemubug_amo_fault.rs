//! AMOs on unreadable pages (privileged spec 1.12, 4.3.1): "Attempting to execute a
//! store, store-conditional, or AMO instruction whose effective address lies within
//! a page without write permissions raises a store page-fault exception." and
//! "AMOs never raise load page-fault exceptions. Since any unreadable page is also
//! unwritable, attempting to perform an AMO on an unreadable page always raises a
//! store page-fault exception."
//!
//! Likewise a misaligned AMO raises "Store/AMO address misaligned" (cause 6, table 3.6).
//!
//! QEMU 7.2 FAILS this test (check 101, and 107 for the misaligned case): single-threaded TCG expands an AMO into a
//! load then a store, so every unreadable page (X-only, V=0, unmapped, U=0 from
//! U-mode, U=1 from S-mode with SUM=0) gives a load page fault (13), and a
//! misaligned AMO a load address misaligned (4). sv39 follows the spec; run this
//! bin on sv39 only.
#![no_std]
#![no_main]

use mmu_tests::*;
use bare::paging::sfence_vma_all;
use sv39_arch::cause::exc::STORE_ADDRESS_MISALIGNED;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{make_pte, PTE_A, PTE_D, PTE_R, PTE_U, PTE_W};

fn test() -> Outcome {
    let code = code_page(0);
    let amo = addr_of(acc_amo);
    let (xo, inv, unmapped, usr) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x20_0000, TEST_VA + 0x2000);

    // S mode: X-only, V=0, no level-0 table, and a U page with SUM=0.
    let mut pt = setup(Priv::S);
    pt.map(xo, code, 0, S_X);
    pt.set_pte(inv, 0, make_pte(code, PTE_R | PTE_W | PTE_A | PTE_D)); // V = 0
    pt.map(usr, code, 0, S_RW | PTE_U);
    activate(&pt);
    for (k, (va, what)) in [(xo, "X-only page"), (inv, "V=0 page"), (unmapped, "unmapped page"), (usr, "U page, SUM=0")]
        .into_iter()
        .enumerate()
    {
        expect_trap(101 + k as u32, run_in(Priv::S, acc_amo, va + 8), STORE_PAGE_FAULT, va + 8, amo, what)?;
    }

    // Misaligned, on a writable page.
    pt.map(TEST_VA + 0x4000, code, 0, S_RW);
    sfence_vma_all();
    let va = TEST_VA + 0x4004;
    expect_trap(107, run_in(Priv::S, acc_amo, va), STORE_ADDRESS_MISALIGNED, va, amo, "misaligned AMO")?;

    // U mode on a U=0 page.
    let mut pt = setup(Priv::U);
    let sup = TEST_VA + 0x3000;
    pt.map(sup, code, 0, S_RW);
    activate(&pt);
    expect_trap(105, run_in(Priv::U, acc_amo, sup + 8), STORE_PAGE_FAULT, sup + 8, amo, "U AMO on U=0 page")?;
    ensure_eq(106, read64(code + 8), RET2, "faulting AMOs left memory alone")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("qemubug_amo_fault", test())
}
