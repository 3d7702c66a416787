//! Superpages (privileged spec 1.12, 4.4.1): "Any level of PTE may be a leaf PTE, so
//! in addition to 4 KiB pages, Sv39 supports 2 MiB megapages and 1 GiB gigapages";
//! 4.3.2 step 8: "If i > 0, then this is a superpage translation and
//! pa.ppn[i-1:0] = va.vpn[i-1:0]". Leaves at levels 2, 1 and 0 each map every
//! offset checked, for loads, stores and fetches.
#![no_std]
#![no_main]

use bare::paging::{alloc_pages_aligned, sfence_vma_all, PageTable};
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::memmap::{DEFAULT_RAM_SIZE, RAM_BASE};

const MEGA: u64 = 1 << 21;
const GIGA: u64 = 1 << 30;

/// Each `(offset, value)`: the S-mode load at `va + offset` returns `value`
/// (checks n, n+1, ... two per case).
fn reads(n: u32, va: u64, cases: &[(u64, u64)], what: &str) -> Outcome {
    for (i, &(off, want)) in cases.iter().enumerate() {
        let n = n + 2 * i as u32;
        let got = expect_ok(n, run_in(Priv::S, acc_ld, va + off), what)?;
        ensure_eq(n + 1, got, want, what)?;
    }
    Ok(())
}

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0x3333);

    // Level 0: a 4 KiB leaf.
    let va = TEST_VA;
    pt.map(va, code, 0, S_RWX);
    reads(1, va, &[(4088, 0x3333)], "4 KiB leaf load")?;
    expect_ok(3, run_in(Priv::S, code_at(va + 0x10), 0), "4 KiB leaf fetch")?;

    // Level 1: a 2 MiB leaf over fresh memory with a pattern at scattered offsets.
    let mega = alloc_pages_aligned(512, MEGA);
    let offs = [0, 8, 0xff8, 0x1000, 0x12340, 0x10_0000, MEGA - 8];
    for (i, off) in offs.iter().enumerate() {
        write64(mega + off, 0x5a5a_0000 + i as u64);
    }
    let va = TEST_VA + GIGA; // 2 MiB-aligned, in its own gigabyte
    pt.map(va, mega, 1, S_RWX);
    sfence_vma_all();
    let cases: [(u64, u64); 7] = core::array::from_fn(|i| (offs[i], 0x5a5a_0000 + i as u64));
    reads(10, va, &cases, "2 MiB leaf load")?;
    expect_ok(30, run_in(Priv::S, acc_sd, va + 0x1f_0000), "2 MiB leaf store")?;
    ensure_eq(31, read64(mega + 0x1f_0000), va + 0x1f_0000, "2 MiB leaf stored value")?;
    write32(mega + 0x3_0000, RET);
    fence_i();
    expect_ok(32, run_in(Priv::S, code_at(va + 0x3_0000), 0), "2 MiB leaf fetch")?;

    // Level 2: a 1 GiB leaf over RAM (RAM_BASE is 1 GiB-aligned), at VA 1 GiB and
    // at the top gigabyte of the address space.
    let top = RAM_BASE + DEFAULT_RAM_SIZE - 8;
    write64(top, 0x7777_8888);
    for (k, va) in [GIGA, 0xffff_ffff_c000_0000u64].into_iter().enumerate() {
        let n = 40 + 20 * k as u32;
        pt.map(va, RAM_BASE, 2, S_RWX);
        sfence_vma_all();
        let cases = [
            (0, read64(RAM_BASE)),
            (code - RAM_BASE + 4088, 0x3333),
            (mega - RAM_BASE + 8, 0x5a5a_0001),
            (top - RAM_BASE, 0x7777_8888),
        ];
        reads(n, va, &cases, "1 GiB leaf load")?;
        let dst = mega - RAM_BASE + 0x2_0000;
        expect_ok(n + 10, run_in(Priv::S, acc_sd, va + dst), "1 GiB leaf store")?;
        ensure_eq(n + 11, read64(RAM_BASE + dst), va + dst, "1 GiB leaf stored value")?;
        expect_ok(n + 12, run_in(Priv::S, code_at(va + code - RAM_BASE + 0x40), 0), "1 GiB leaf fetch")?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("superpage", test(&mut pt))
}
