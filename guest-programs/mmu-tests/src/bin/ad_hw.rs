//! A and D under hardware update (privileged spec 1.12, 4.3.1 and 4.3.2 step 7):
//! "When a virtual page is accessed and the A bit is clear, or is written and the D
//! bit is clear, the implementation sets the corresponding bit(s) in the PTE."
//! QEMU 7.2 and sv39's default (`--ad=update`) use this scheme. Permissions are
//! checked first (step 5 before step 7), so a faulting access changes nothing;
//! "Each leaf PTE contains an accessed (A) and dirty (D) bit": pointers are left alone.
#![no_std]
#![no_main]

use bare::paging::{alloc_pages_aligned, sfence_vma_all, PageTable};
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_U, PTE_W, PTE_X};

const RWX: u64 = PTE_R | PTE_W | PTE_X;

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0x9999);
    // (leaf flags, access, succeeds, bits the leaf gains)
    let cases = [
        (RWX, Load, true, PTE_A),
        (RWX, Store, true, PTE_A | PTE_D),
        (RWX, Fetch, true, PTE_A),
        (RWX, Lr, true, PTE_A),
        (RWX, Amo, true, PTE_A | PTE_D),
        (RWX, LrSc, true, PTE_A | PTE_D),
        (RWX | PTE_A, Store, true, PTE_D),
        // Faulting accesses leave the PTE as it was.
        (PTE_R, Store, false, 0),
        (PTE_X, Load, false, 0),
        (PTE_R | PTE_W, Fetch, false, 0),
        (RWX | PTE_U, Store, false, 0), // S-mode, SUM = 0
        (RWX | PTE_U, Load, false, 0),
    ];
    for (k, (flags, access, ok, gained)) in cases.into_iter().enumerate() {
        let n = 1 + 2 * k as u32;
        let va = TEST_VA + ((k as u64) << 12);
        pt.map(va, code, 0, flags);
        sfence_vma_all();
        let before = pt.pte(va, 0);
        // Data accesses hit offset 8; fetches run the `ret` at 0x100, which no store touches.
        let r = access.run(Priv::S, va + if access == Fetch { 0x100 } else { 8 });
        ensure(n, r.is_ok() == ok, if ok { "access should succeed" } else { "access should fault" })?;
        ensure_eq(n + 1, pt.pte(va, 0), before | gained, "leaf PTE after the access")?;
    }

    // A 2 MiB leaf gains A and D the same way.
    let mega = alloc_pages_aligned(512, 1 << 21);
    let sva = TEST_VA + (1 << 30);
    pt.map(sva, mega, 1, PTE_R | PTE_W);
    sfence_vma_all();
    let before = pt.pte(sva, 1);
    expect_ok(30, Load.run(Priv::S, sva + 0x1_2340), "superpage load")?;
    ensure_eq(31, pt.pte(sva, 1), before | PTE_A, "superpage load sets A")?;
    expect_ok(32, Store.run(Priv::S, sva + 0x1f_0000), "superpage store")?;
    ensure_eq(33, pt.pte(sva, 1), before | PTE_A | PTE_D, "superpage store sets D")?;

    // Pointer PTEs on the walks above are untouched (their A/D/U are reserved).
    let adu = PTE_A | PTE_D | PTE_U;
    ensure_eq(40, pt.pte(TEST_VA, 2) & adu, 0, "level-2 pointer A/D")?;
    ensure_eq(41, pt.pte(TEST_VA, 1) & adu, 0, "level-1 pointer A/D")?;
    ensure_eq(42, pt.pte(sva, 2) & adu, 0, "superpage's pointer A/D")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("ad_hw", test(&mut pt))
}
