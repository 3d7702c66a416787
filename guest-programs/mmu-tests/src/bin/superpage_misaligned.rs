//! Misaligned superpages (privileged spec 1.12, 4.3.2 step 6): "If i > 0 and
//! pte.ppn[i-1:0] != 0, this is a misaligned superpage; stop and raise a page-fault
//! exception corresponding to the original access type." 4.4.1: megapages and
//! gigapages "must be virtually and physically aligned to a boundary equal to its size".
#![no_std]
#![no_main]

use bare::paging::PageTable;
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::memmap::RAM_BASE;
use sv39_arch::pte::{make_pte, PTE_V};

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    // All targets lie in RAM and hold `ret`, so only the alignment rule can fault.
    let leaf = |pa: u64| make_pte(pa, S_RWX | PTE_V);

    // 2 MiB leaves at VA 1 GiB + k * 2 MiB with PPN[0] = 1, 0x100, 0x1ff.
    for (k, ppn0) in [1u64, 0x100, 0x1ff].into_iter().enumerate() {
        let va = (1 << 30) + ((k as u64) << 21);
        set_pte(pt, va, 1, leaf(RAM_BASE + (ppn0 << 12)));
        expect_page_faults(1 + 3 * k as u32, va + 0x1230, "2 MiB leaf with PPN[0] != 0")?;
    }

    // 1 GiB leaves with PPN[0] != 0, PPN[1] != 0, and both.
    for (k, off) in [0x1000u64, 0x20_0000, 0x3f_f000].into_iter().enumerate() {
        let va = (3 + k as u64) << 30; // clear of the identity-mapped RAM at 2 GiB
        set_pte(pt, va, 2, leaf(RAM_BASE + off));
        expect_page_faults(20 + 3 * k as u32, va + 0x12_3450, "1 GiB leaf with PPN[1:0] != 0")?;
    }

    // Control: the same slots with aligned PPNs work.
    set_pte(pt, 1 << 30, 1, leaf(RAM_BASE));
    expect_ok(40, run_in(Priv::S, acc_ld, 1 << 30), "aligned 2 MiB leaf")?;
    set_pte(pt, 3 << 30, 2, leaf(RAM_BASE));
    expect_ok(41, run_in(Priv::S, acc_ld, 3 << 30), "aligned 1 GiB leaf")?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("superpage_misaligned", test(&mut pt))
}
