//! A/D updates must pass PMP (privileged spec 1.12, 4.3.2 step 7): "If pte.a = 0, or
//! if the original memory access is a store and pte.d = 0, either raise a page-fault
//! exception ..., or: If a store to pte would violate a PMA or PMP check, raise an
//! access-fault exception corresponding to the original access type."
//!
//! QEMU 7.2 FAILS this test (check 101): its walker writes A/D without a PMP check,
//! so the access succeeds and the read-only page table is modified. sv39 follows
//! the spec under `--ad=update`; run this bin on sv39 only. (Under `--ad=fault`
//! the same accesses raise page faults instead, which this bin does not expect.)
#![no_std]
#![no_main]

use bare::paging::{sfence_vma_all, PageTable};
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::pmpcfg::R;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_R, PTE_W, PTE_X};

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0xf00d);
    let (va, vb) = (TEST_VA, TEST_VA + 0x1000);
    pt.map(va, code, 0, PTE_R | PTE_W | PTE_X); // A = D = 0
    pt.map(vb, code, 0, PTE_R | PTE_W | PTE_X | PTE_A); // D = 0
    sfence_vma_all();
    let table = pt.pte_ptr(va, 0) as u64 & !0xfff;
    pmp_restrict_page(table, R);
    let (pa, pb) = (pt.pte(va, 0), pt.pte(vb, 0));
    expect_access_fault(101, Priv::S, Load, va + 8, "load needing A, table read-only in PMP")?;
    expect_access_fault(102, Priv::S, Fetch, va, "fetch needing A, table read-only in PMP")?;
    expect_access_fault(103, Priv::S, Store, vb + 8, "store needing D, table read-only in PMP")?;
    ensure_eq(104, pt.pte(va, 0), pa, "PTE A unchanged")?;
    ensure_eq(105, pt.pte(vb, 0), pb, "PTE D unchanged")?;
    // Loads that need no update still work.
    expect_ok(106, Load.run(Priv::S, vb + 8), "load with A set")?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    let r = test(&mut pt);
    bare::pmp_allow_all();
    finish("qemubug_pmp_ad", r)
}
