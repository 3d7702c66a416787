//! Invalid PTEs (privileged spec 1.12, 4.3.2 steps 3-4, applied to Sv39 by 4.4.1):
//! "If pte.v = 0, or if pte.r = 0 and pte.w = 1, ... stop and raise a page-fault
//! exception corresponding to the original access type", and a pointer PTE at
//! level 0 ("If i < 0, stop and raise a page-fault exception").
#![no_std]
#![no_main]

use bare::paging::PageTable;
use mmu_tests::*;
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::{make_pte, PTE_A, PTE_D, PTE_V, PTE_W, PTE_X};

fn test(pt: &mut PageTable) -> Outcome {
    let code = code_page(0x1111);

    // Control: a valid RWX leaf works for all three.
    let va = TEST_VA;
    pt.map(va, code, 0, S_RWX);
    activate(pt);
    ensure_eq(1, expect_ok(2, run_in(Priv::S, acc_ld, va + 4088), "valid load")?, 0x1111, "valid load value")?;
    expect_ok(3, run_in(Priv::S, code_at(va), 0), "valid fetch")?;
    expect_ok(4, run_in(Priv::S, acc_sd, va + 4080), "valid store")?;
    ensure_eq(5, read64(code + 4080), va + 4080, "stored value")?;

    // V = 0 in the leaf, every other bit as in a good RWX leaf.
    let va = TEST_VA + 0x1000;
    set_pte(pt, va, 0, make_pte(code, S_RWX));
    expect_page_faults(10, va, "leaf V=0")?;

    // V = 0 at level 1 (no level-0 table) and at level 2 (no level-1 table).
    let va = TEST_VA + 0x20_0000;
    set_pte(pt, va, 1, make_pte(bare::paging::alloc_page(), 0));
    expect_page_faults(20, va, "level-1 V=0")?;
    let va = TEST_VA + 0x4000_0000;
    set_pte(pt, va, 2, 0);
    expect_page_faults(30, va, "level-2 V=0")?;

    // W = 1, R = 0 is reserved (table 4.4), with X = 0 and X = 1; MXR does not help.
    let va = TEST_VA + 0x2000;
    set_pte(pt, va, 0, make_pte(code, PTE_V | PTE_W | PTE_A | PTE_D));
    expect_page_faults(40, va, "W=1 R=0 X=0")?;
    let va = TEST_VA + 0x3000;
    set_pte(pt, va, 0, make_pte(code, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D));
    expect_page_faults(50, va, "W=1 R=0 X=1")?;
    mstatus_set(mstatus::MXR);
    let r = run_in(Priv::S, acc_ld, va);
    mstatus_clear(mstatus::MXR);
    expect_trap(53, r, LOAD_PAGE_FAULT, va, addr_of(acc_ld), "W=1 R=0 X=1 load with MXR")?;

    // A valid pointer PTE at level 0: the walk runs out of levels.
    let va = TEST_VA + 0x4000;
    set_pte(pt, va, 0, make_pte(code, PTE_V));
    expect_page_faults(60, va, "pointer at level 0")?;

    // The neighbouring valid page is unaffected by all of the above.
    ensure_eq(80, expect_ok(81, run_in(Priv::S, acc_ld, TEST_VA + 4088), "valid load after")?, 0x1111, "value")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("pte_invalid", test(&mut pt))
}
