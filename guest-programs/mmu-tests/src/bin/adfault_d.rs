//! Svade, D = 0 (privileged spec 1.12, 4.3.1 and 4.3.2 step 7): "When a virtual page
//! is accessed and the A bit is clear, or is written and the D bit is clear, a
//! page-fault exception is raised." Stores, SCs and AMOs need D = 1; loads and
//! fetches do not. For sv39 with `--ad=fault` only.
//!
//! QEMU 7.2 FAILS this test at check 1 by design: it always sets A/D in hardware
//! and has no Svade option, so the store succeeds. Do not run it on QEMU.
#![no_std]
#![no_main]

use bare::paging::{alloc_pages_aligned, PageTable};
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_W, PTE_X};

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0xbbbb);
    let va = TEST_VA;
    pt.map(va, code, 0, PTE_R | PTE_W | PTE_X | PTE_A); // D = 0
    bare::paging::sfence_vma_all();
    let before = pt.pte(va, 0);
    expect_trap(1, run_in(Priv::S, acc_sd, va + 8), STORE_PAGE_FAULT, va + 8, addr_of(acc_sd), "store, D=0")?;
    expect_trap(2, run_in(Priv::S, acc_amo, va + 8), STORE_PAGE_FAULT, va + 8, addr_of(acc_amo), "AMO, D=0")?;
    let sc = addr_of(acc_lrsc) + 4;
    expect_trap(3, run_in(Priv::S, acc_lrsc, va + 8), STORE_PAGE_FAULT, va + 8, sc, "SC, D=0")?;
    ensure_eq(4, expect_ok(5, run_in(Priv::S, acc_ld, va + 4088), "load, D=0")?, 0xbbbb, "value")?;
    ensure_eq(6, expect_ok(7, run_in(Priv::S, code_at(va), 4), "fetch, D=0")?, 4, "a0")?;
    ensure_eq(8, pt.pte(va, 0), before, "PTE unchanged")?;
    ensure_eq(9, read64(code + 8), RET2, "memory unchanged")?;

    // A 2 MiB leaf with D = 0.
    let mega = alloc_pages_aligned(512, 1 << 21);
    let sva = TEST_VA + (1 << 30);
    pt.map(sva, mega, 1, PTE_R | PTE_W | PTE_A);
    bare::paging::sfence_vma_all();
    expect_trap(10, run_in(Priv::S, acc_sd, sva + 0x3000), STORE_PAGE_FAULT, sva + 0x3000, addr_of(acc_sd), "superpage store, D=0")?;

    // With D set by software, the store goes through.
    pt.map(va, code, 0, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    bare::paging::sfence_vma_all();
    expect_ok(20, run_in(Priv::S, acc_sd, va + 8), "store, D=1")?;
    ensure_eq(21, read64(code + 8), va + 8, "stored value")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("adfault_d", test(&mut pt))
}
