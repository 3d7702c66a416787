//! Reserved PTE bits (privileged spec 1.12, 4.4.1): "Bits 63-54 are reserved for
//! future standard use and, until their use is defined by some standard
//! extension, must be zeroed by software for forward compatibility. If any of
//! these bits are set, a page-fault exception is raised." sv39 implements neither
//! Svnapot (bit 63) nor Svpbmt (bits 62-61). Step 3 of 4.3.2 applies this to every
//! level: "if any bits or encodings that are reserved for future standard use are
//! set within pte, stop and raise a page-fault exception".
//! Pointer PTEs: "the D, A, and U bits are reserved for future standard use" (4.3.1).
//! RSW (bits 9-8): "the implementation shall ignore this field" (4.3.1).
#![no_std]
#![no_main]

use bare::paging::PageTable;
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{make_pte, PTE_A, PTE_D, PTE_RSW, PTE_U, PTE_V};

fn test(pt: &mut PageTable) -> Outcome {
    let code = code_page(0x2222);
    activate(pt);

    // Leaf with one reserved bit set: load, store and fetch fault (checks 1-30).
    for (i, bit) in (54..64).enumerate() {
        let va = TEST_VA + ((i as u64) << 12);
        set_pte(pt, va, 0, make_pte(code, S_RWX | PTE_V) | (1 << bit));
        expect_page_faults(1 + 3 * i as u32, va, "leaf with a reserved bit")?;
    }

    // Pointer PTE (level 1) with one reserved bit set (checks 41-50).
    for (i, bit) in (54..64).enumerate() {
        let va = TEST_VA + 0x4000_0000 + ((i as u64) << 21);
        pt.map(va, code, 0, S_RWX);
        let ptr = pt.pte(va, 1);
        set_pte(pt, va, 1, ptr | (1 << bit));
        expect_trap(41 + i as u32, run_in(Priv::S, acc_ld, va), LOAD_PAGE_FAULT, va, addr_of(acc_ld), "pointer reserved bit")?;
    }

    // Pointer PTE with D, A or U: "For non-leaf PTEs, the D, A, and U bits are
    // reserved for future standard use" (4.3.1), so step 3 faults (checks 51-53).
    for (i, bit) in [PTE_A, PTE_D, PTE_U].into_iter().enumerate() {
        let va = TEST_VA + 0x6000_0000 + ((i as u64) << 21);
        pt.map(va, code, 0, S_RWX);
        let ptr = pt.pte(va, 1);
        set_pte(pt, va, 1, ptr | bit);
        expect_trap(51 + i as u32, run_in(Priv::S, acc_ld, va), LOAD_PAGE_FAULT, va, addr_of(acc_ld), "pointer with D/A/U")?;
    }

    // RSW is ignored, in leaves and pointers (checks 60-64).
    let va = TEST_VA + 0x8000_0000;
    pt.map(va, code, 0, S_RWX | PTE_RSW);
    let ptr = pt.pte(va, 1);
    set_pte(pt, va, 1, ptr | PTE_RSW);
    ensure_eq(60, expect_ok(61, run_in(Priv::S, acc_ld, va + 4088), "RSW load")?, 0x2222, "RSW load value")?;
    expect_ok(62, run_in(Priv::S, acc_sd, va + 8), "RSW store")?;
    expect_ok(63, run_in(Priv::S, code_at(va), 0), "RSW fetch")?;
    ensure_eq(64, pt.pte(va, 0) & PTE_RSW, PTE_RSW, "RSW kept")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("pte_reserved", test(&mut pt))
}
