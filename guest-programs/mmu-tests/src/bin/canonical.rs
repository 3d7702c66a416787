//! Canonical Sv39 addresses (privileged spec 1.12, 4.4.1): "Instruction fetch
//! addresses and load and store effective addresses, which are 64 bits, must have
//! bits 63-39 all equal to bit 38, or else a page-fault exception will occur."
//! tval is the full faulting address (4.1.9: "stval will contain the faulting
//! virtual address"; an implementation may convert invalid addresses, QEMU and
//! sv39 do not). Each non-canonical address aliases a mapped page in its low 39
//! bits, so an implementation that ignores bits 63:39 would not fault.
#![no_std]
#![no_main]

use bare::paging::PageTable;
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::Priv;

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    // The four ends of the two canonical halves, each on its own page.
    let ends = [0u64, 0x3f_ffff_f000, 0xffff_ffc0_0000_0000, 0xffff_ffff_ffff_f000];
    for (k, va) in ends.into_iter().enumerate() {
        pt.map(va, code_page(0xc000 + k as u64), 0, S_RWX);
    }
    bare::paging::sfence_vma_all();

    // Canonical: the lowest and highest addresses of both halves work (checks 1-24).
    for (k, va) in ends.into_iter().enumerate() {
        let n = 1 + 6 * k as u32;
        ensure_eq(n, expect_ok(n + 1, Load.run(Priv::S, va + 4088), "load at a canonical end")?, 0xc000 + k as u64, "value")?;
        expect_ok(n + 2, Store.run(Priv::S, va + 0x800), "store at a canonical end")?;
        expect_ok(n + 3, Fetch.run(Priv::S, va + 0x10), "fetch at a canonical end")?;
    }
    // The very first and last bytes of the address space.
    expect_ok(25, Load.run(Priv::S, 0), "load at 0")?;
    ensure_eq(26, expect_ok(27, Load.run(Priv::S, u64::MAX - 7), "load at 2^64 - 8")?, 0xc003, "value")?;

    // Non-canonical: aliases of the pages above with bits 63:39 != bit 38.
    let bad = [
        0x0000_0040_0000_0000u64, // bit 38 set alone: aliases 0xffff_ffc0_0000_0000
        0xffff_ffbf_ffff_f000,    // bit 38 clear under ones: aliases 0x3f_ffff_f000
        0x0000_0080_0000_0000,    // bit 39 set alone: aliases 0
        0x8000_0000_0000_0000,    // bit 63 set alone: aliases 0
        0x7fff_ffff_ffff_f000,    // bit 63 clear: aliases 0xffff_ffff_ffff_f000
    ];
    for (k, va) in bad.into_iter().enumerate() {
        let n = 30 + 3 * k as u32;
        expect_page_fault(n, Priv::S, Load, va + 8, "load at a non-canonical address")?;
        expect_page_fault(n + 1, Priv::S, Store, va + 8, "store at a non-canonical address")?;
        expect_page_fault(n + 2, Priv::S, Fetch, va + 0x10, "fetch at a non-canonical address")?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("canonical", test(&mut pt))
}
