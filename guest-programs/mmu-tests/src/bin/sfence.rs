//! SFENCE.VMA and ASIDs (privileged spec 1.12, 4.2.1): after a PTE change and a
//! fence that covers it, the new translation is used, for each rs1/rs2 form (global
//! mappings are fenced by rs2 = x0). Without a fence, "either the old translation
//! or the new translation will be used, but the choice is unpredictable" - so only
//! "one of the two" is checked. "changes to satp.ASID take effect immediately":
//! address spaces with different ASIDs, fenced once, do not see each other.
#![no_std]
#![no_main]

use bare::paging::{sfence_vma, sfence_vma_addr, sfence_vma_all, sfence_vma_asid, set_satp, PageTable};
use core::arch::naked_asm;
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{make_pte, PTE_G, PTE_V};

const ASID: u16 = 1;

/// A fence form's name and a function doing it for a VA.
type Fence = (&'static str, fn(u64));

/// S-mode: `sfence.vma a0, zero`, then `ld a0, 0(a0)`.
#[unsafe(naked)]
extern "C" fn s_fence_load(_va: u64) -> u64 {
    naked_asm!("sfence.vma a0, zero", "ld a0, 0(a0)", "ret")
}

fn load(n: u32, va: u64) -> Result<u64, u32> {
    expect_ok(n, Load.run(Priv::S, va), "load")
}

fn test() -> Outcome {
    let mut pt = setup(Priv::S);
    set_satp(pt.satp(ASID));
    let pages: [u64; 4] = core::array::from_fn(|i| data_page(0x100 + i as u64));
    let old = pages[0];

    // Each fence form: map va -> old, load (cached), remap to new, fence, load new.
    let forms: [Fence; 4] = [
        ("sfence.vma va, x0", |va| sfence_vma_addr(va)),
        ("sfence.vma va, asid", |va| sfence_vma(va, ASID as u64)),
        ("sfence.vma x0, asid", |_| sfence_vma_asid(ASID as u64)),
        ("sfence.vma x0, x0", |_| sfence_vma_all()),
    ];
    for (k, (what, fence)) in forms.into_iter().enumerate() {
        let n = 1 + 4 * k as u32;
        let va = TEST_VA + ((k as u64) << 12);
        pt.map(va, old, 0, S_RW);
        sfence_vma_all();
        ensure_eq(n, load(n + 1, va)?, 0x100, "before remap")?;
        pt.map(va, pages[1], 0, S_RW);
        fence(va);
        ensure_eq(n + 2, load(n + 3, va)?, 0x101, what)?;
    }

    // Invalidating a leaf, then fencing it: page fault.
    let va = TEST_VA;
    pt.set_pte(va, 0, 0);
    sfence_vma(va, ASID as u64);
    expect_page_fault(20, Priv::S, Load, va, "leaf invalidated and fenced")?;

    // A pointer change (new level-0 table) fenced with rs1 = x0.
    let va = TEST_VA + (1 << 21);
    pt.map(va, old, 0, S_RW);
    sfence_vma_all();
    ensure_eq(21, load(22, va)?, 0x100, "before pointer change")?;
    let mut other = PageTable::new();
    other.map(va, pages[2], 0, S_RW);
    pt.set_pte(va, 1, other.pte(va, 1)); // `other`'s level-1 entry points at its level-0 table
    sfence_vma_asid(ASID as u64);
    ensure_eq(23, load(24, va)?, 0x102, "pointer changed and fenced")?;

    // Global leaves: fenced by rs2 = x0 (by VA and entirely).
    let va = TEST_VA + (2 << 21);
    pt.map(va, old, 0, S_RW | PTE_G);
    sfence_vma_all();
    ensure_eq(30, load(31, va)?, 0x100, "global before remap")?;
    pt.map(va, pages[1], 0, S_RW | PTE_G);
    sfence_vma_addr(va);
    ensure_eq(32, load(33, va)?, 0x101, "global, sfence.vma va, x0")?;
    pt.map(va, pages[2], 0, S_RW | PTE_G);
    sfence_vma_all();
    ensure_eq(34, load(35, va)?, 0x102, "global, sfence.vma x0, x0")?;
    // After an ASID-specific fence a global mapping may be stale: old or new.
    pt.map(va, pages[3], 0, S_RW | PTE_G);
    sfence_vma(va, ASID as u64);
    let v = load(36, va)?;
    ensure(37, v == 0x102 || v == 0x103, "global after an ASID fence: old or new")?;

    // No fence at all: old or new.
    let va = TEST_VA + (3 << 21);
    pt.map(va, old, 0, S_RW);
    sfence_vma_all();
    ensure_eq(40, load(41, va)?, 0x100, "before unfenced remap")?;
    pt.set_pte(va, 0, make_pte(pages[1], S_RW | PTE_V));
    let v = load(42, va)?;
    ensure(43, v == 0x100 || v == 0x101, "unfenced remap: old or new")?;

    // S-mode runs the fence itself.
    pt.set_pte(va, 0, make_pte(pages[2], S_RW | PTE_V));
    ensure_eq(44, expect_ok(45, run_in(Priv::S, s_fence_load, va), "S fence then load")?, 0x102, "S-mode fence")?;

    // ASIDs: two address spaces map va differently; after one fence, switching
    // satp alone selects the right one each time.
    let va = TEST_VA + (4 << 21);
    let mut b = setup(Priv::S);
    pt.map(va, pages[0], 0, S_RW);
    b.map(va, pages[1], 0, S_RW);
    sfence_vma_all();
    for round in 0..3u32 {
        let n = 50 + 4 * round;
        write_satp(pt.satp(ASID));
        ensure_eq(n, load(n + 1, va)?, 0x100, "ASID 1 mapping")?;
        write_satp(b.satp(ASID + 1));
        ensure_eq(n + 2, load(n + 3, va)?, 0x101, "ASID 2 mapping")?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("sfence", test())
}
