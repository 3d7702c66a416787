//! MPRV (privileged spec 1.12, 3.1.6.3): "When MPRV=1, load and store memory
//! addresses are translated and protected, and endianness is applied, as though
//! the current privilege mode were set to MPP. Instruction address-translation and
//! protection are unaffected by the setting of MPRV." SUM and MXR apply to such
//! accesses as to S/U ones. The page table here maps only test pages, not the
//! program, so the M-mode code running with MPRV = 1 proves fetches stay physical.
#![no_std]
#![no_main]

use bare::paging::PageTable;
use bare::trap::Trap;
use core::arch::naked_asm;
use mmu_tests::*;
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::PTE_U;

/// M-mode, a0 -> [va, bits]: sets `bits` in mstatus, loads from va (at +12), clears them.
#[unsafe(naked)]
extern "C" fn mprv_ld(_args: u64) -> u64 {
    naked_asm!(
        ".option push", ".option norvc",
        "ld t0, 8(a0)", "ld a0, 0(a0)", "csrs mstatus, t0",
        "ld a0, 0(a0)",
        "csrc mstatus, t0", "ret",
        ".option pop"
    )
}

/// As `mprv_ld`, storing va to itself (at +12); returns 0.
#[unsafe(naked)]
extern "C" fn mprv_sd(_args: u64) -> u64 {
    naked_asm!(
        ".option push", ".option norvc",
        "ld t0, 8(a0)", "ld a0, 0(a0)", "csrs mstatus, t0",
        "sd a0, 0(a0)",
        "csrc mstatus, t0", "li a0, 0", "ret",
        ".option pop"
    )
}

const S: u64 = mstatus::MPRV | (Priv::S as u64) << mstatus::MPP_SHIFT;
const U: u64 = mstatus::MPRV | (Priv::U as u64) << mstatus::MPP_SHIFT;
const M: u64 = mstatus::MPRV | (Priv::M as u64) << mstatus::MPP_SHIFT;

/// Runs `f` in M-mode with MPP cleared first, so `bits` alone selects it.
fn with(f: extern "C" fn(u64) -> u64, va: u64, bits: u64) -> Result<u64, Trap> {
    mstatus_clear(mstatus::MPP);
    let args = [va, bits];
    run_in(Priv::M, f, args.as_ptr() as u64)
}

fn load_ok(n: u32, va: u64, bits: u64, want: u64, what: &str) -> Outcome {
    ensure_eq(n, expect_ok(n + 1, with(mprv_ld, va, bits), what)?, want, what)
}

fn load_faults(n: u32, va: u64, bits: u64, what: &str) -> Outcome {
    expect_trap(n, with(mprv_ld, va, bits), LOAD_PAGE_FAULT, va, addr_of(mprv_ld) + 12, what)
}

fn store_faults(n: u32, va: u64, bits: u64, what: &str) -> Outcome {
    expect_trap(n, with(mprv_sd, va, bits), STORE_PAGE_FAULT, va, addr_of(mprv_sd) + 12, what)
}

fn test() -> Outcome {
    bare::pmp_allow_all();
    bare::trap::init();
    let code = code_page(0xe0e0);
    let mut pt = PageTable::new();
    let (sup, usr, xo, ro) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x2000, TEST_VA + 0x3000);
    pt.map(sup, code, 0, S_RW);
    pt.map(usr, code, 0, S_RW | PTE_U);
    pt.map(xo, code, 0, S_X);
    pt.map(ro, code, 0, S_R);
    activate(&pt);

    // MPP = S.
    load_ok(1, sup + 4088, S, 0xe0e0, "MPP=S load of S page")?;
    expect_ok(3, with(mprv_sd, sup + 8, S), "MPP=S store to S page")?;
    ensure_eq(4, read64(code + 8), sup + 8, "stored through the translation")?;
    load_faults(5, usr + 8, S, "MPP=S load of U page, SUM=0")?;
    store_faults(6, usr + 8, S, "MPP=S store to U page, SUM=0")?;
    load_ok(7, usr + 4088, S | mstatus::SUM, 0xe0e0, "MPP=S load of U page, SUM=1")?;
    expect_ok(9, with(mprv_sd, usr + 16, S | mstatus::SUM), "MPP=S store to U page, SUM=1")?;
    load_faults(10, xo + 8, S, "MPP=S load of X-only page, MXR=0")?;
    load_ok(11, xo + 4088, S | mstatus::MXR, 0xe0e0, "MPP=S load of X-only page, MXR=1")?;
    store_faults(13, ro + 8, S, "MPP=S store to R-only page")?;
    // The physical address of the page is not mapped: translated, it faults.
    load_faults(14, code + 8, S, "MPP=S load of an unmapped VA")?;

    // MPP = U.
    load_ok(20, usr + 4088, U, 0xe0e0, "MPP=U load of U page")?;
    load_faults(22, sup + 8, U, "MPP=U load of S page")?;
    store_faults(23, sup + 8, U, "MPP=U store to S page")?;
    load_faults(24, sup + 8, U | mstatus::SUM, "MPP=U load of S page, SUM=1")?;

    // MPP = M, or MPRV = 0: physical.
    load_ok(30, code + 4088, M, 0xe0e0, "MPP=M: no translation")?;
    load_ok(32, code + 4088, (Priv::S as u64) << mstatus::MPP_SHIFT, 0xe0e0, "MPRV=0: no translation")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    finish("mprv", test())
}
