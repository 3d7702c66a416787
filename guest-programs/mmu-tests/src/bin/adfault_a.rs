//! Svade, A = 0 (privileged spec 1.12, 4.3.1 and 4.3.2 step 7): "When a virtual page
//! is accessed and the A bit is clear, or is written and the D bit is clear, a
//! page-fault exception is raised." For sv39 with `--ad=fault` only.
//!
//! QEMU 7.2 FAILS this test at check 1 by design: it always sets A/D in hardware
//! and has no Svade option, so the first access succeeds. Do not run it on QEMU.
#![no_std]
#![no_main]

use bare::paging::{alloc_pages_aligned, PageTable};
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_D, PTE_R, PTE_W, PTE_X};

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0xaaaa);
    let va = TEST_VA;
    // A = 0 (D = 1 so only A matters); the page is otherwise fully accessible.
    pt.map(va, code, 0, PTE_R | PTE_W | PTE_X | PTE_D);
    bare::paging::sfence_vma_all();
    let before = pt.pte(va, 0);
    expect_trap(1, run_in(Priv::S, acc_ld, va + 8), LOAD_PAGE_FAULT, va + 8, addr_of(acc_ld), "load, A=0")?;
    expect_trap(2, run_in(Priv::S, acc_sd, va + 8), STORE_PAGE_FAULT, va + 8, addr_of(acc_sd), "store, A=0")?;
    expect_trap(3, run_in(Priv::S, code_at(va), 0), INSTRUCTION_PAGE_FAULT, va, va, "fetch, A=0")?;
    expect_trap(4, run_in(Priv::S, acc_lr, va + 8), LOAD_PAGE_FAULT, va + 8, addr_of(acc_lr), "LR, A=0")?;
    expect_trap(5, run_in(Priv::S, acc_amo, va + 8), STORE_PAGE_FAULT, va + 8, addr_of(acc_amo), "AMO, A=0")?;
    ensure_eq(6, pt.pte(va, 0), before, "PTE unchanged")?;
    ensure_eq(7, read64(code + 8), RET2, "memory unchanged")?;

    // A 2 MiB leaf with A = 0.
    let mega = alloc_pages_aligned(512, 1 << 21);
    let sva = TEST_VA + (1 << 30);
    pt.map(sva, mega, 1, PTE_R | PTE_W | PTE_D);
    bare::paging::sfence_vma_all();
    expect_trap(10, run_in(Priv::S, acc_ld, sva + 0x3000), LOAD_PAGE_FAULT, sva + 0x3000, addr_of(acc_ld), "superpage load, A=0")?;

    // Setting A (software's job under Svade) makes the page usable.
    pt.map(va, code, 0, PTE_R | PTE_W | PTE_X | PTE_D | sv39_arch::pte::PTE_A);
    bare::paging::sfence_vma_all();
    ensure_eq(20, expect_ok(21, run_in(Priv::S, acc_ld, va + 4088), "load, A=1")?, 0xaaaa, "value")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("adfault_a", test(&mut pt))
}
