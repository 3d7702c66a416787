//! PMP on page-table walks and on the translated address (privileged spec 1.12,
//! 4.3.2 step 2): "If accessing pte violates a PMA or PMP check, raise an
//! access-fault exception corresponding to the original access type." and 4.3.1:
//! "The resulting supervisor-level physical addresses are then checked using any
//! physical memory protection structures". 3.7.2: implicit page-table accesses are
//! checked as S-mode accesses. The fault is an access fault (1/5/7), not a page
//! fault, with tval = the virtual address; the PMP check on the PTE read comes
//! before the V check, so even a V=0 PTE in a denied table gives an access fault.
#![no_std]
#![no_main]

use bare::paging::{sfence_vma_all, PageTable};
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::pmpcfg::{R, W, X};
use sv39_arch::csr::Priv;

/// The page holding the PTE of `va` at `level`.
fn table_of(pt: &PageTable, va: u64, level: usize) -> u64 {
    pt.pte_ptr(va, level) as u64 & !0xfff
}

/// Load, store and fetch at `va` give access faults (checks n..n+2).
fn all_access_fault(n: u32, va: u64, what: &str) -> Outcome {
    expect_access_fault(n, Priv::S, Load, va + 8, what)?;
    expect_access_fault(n + 1, Priv::S, Store, va + 8, what)?;
    expect_access_fault(n + 2, Priv::S, Fetch, va, what)
}

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0xf00d);
    let (va, inv) = (TEST_VA, TEST_VA + 0x1000);
    pt.map(va, code, 0, S_RWX);
    pt.set_pte(inv, 0, 0);
    sfence_vma_all();

    // The level-0 table denied: every access through it, even to an invalid PTE.
    pmp_restrict_page(table_of(pt, va, 0), 0);
    all_access_fault(1, va, "level-0 table denied")?;
    expect_access_fault(4, Priv::S, Load, inv + 8, "V=0 PTE in a denied table")?;
    // The level-1 table denied.
    pmp_restrict_page(table_of(pt, va, 1), 0);
    all_access_fault(10, va, "level-1 table denied")?;
    // The root denied: even fetching the S-mode routine faults.
    pmp_restrict_page(pt.root(), 0);
    let ld = addr_of(acc_ld);
    expect_trap(20, Load.run(Priv::S, va), INSTRUCTION_ACCESS_FAULT, ld, ld, "root table denied")?;

    // A read-only table with A and D already set needs no store: all accesses work.
    pmp_restrict_page(table_of(pt, va, 0), R);
    ensure_eq(30, expect_ok(31, Load.run(Priv::S, va + 4088), "read-only table, load")?, 0xf00d, "value")?;
    expect_ok(32, Store.run(Priv::S, va + 8), "read-only table, store")?;
    expect_ok(33, Fetch.run(Priv::S, va), "read-only table, fetch")?;

    // The leaf's physical page: no access; read-only; execute-only.
    pmp_restrict_page(code, 0);
    all_access_fault(40, va, "leaf page denied")?;
    pmp_restrict_page(code, R);
    ensure_eq(50, expect_ok(51, Load.run(Priv::S, va + 4088), "leaf page R, load")?, 0xf00d, "value")?;
    expect_access_fault(52, Priv::S, Store, va + 8, "leaf page R, store")?;
    expect_access_fault(53, Priv::S, Fetch, va, "leaf page R, fetch")?;
    pmp_restrict_page(code, X);
    expect_access_fault(54, Priv::S, Load, va + 8, "leaf page X, load")?;
    expect_ok(55, Fetch.run(Priv::S, va), "leaf page X, fetch")?;
    // Page permissions are checked before PMP: a PTE without W gives a page fault.
    pt.map(va, code, 0, S_R);
    pmp_restrict_page(code, 0);
    expect_page_fault(56, Priv::S, Store, va + 8, "read-only PTE over a denied page")?;
    pmp_restrict_page(code, R | W | X);
    ensure_eq(57, expect_ok(58, Load.run(Priv::S, va + 4088), "all allowed again")?, 0xf00d, "value")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    let r = test(&mut pt);
    bare::pmp_allow_all();
    finish("pmp_walk", r)
}
