//! Shared pieces of the MMU tests (one bin per test in `src/bin`): the standard
//! set-up and pages of data and code; the access routines and numbered checks
//! come from `bare::access` and `bare::check` (re-exported here).
//!
//! Every bin returns 0 (pass) or the number of its first failed check. Page
//! tables are built and changed in M-mode through physical addresses; accesses
//! run in S or U mode through `bare::trap::run_in`, with all traps going to M
//! (medeleg = 0), so a `Trap` holds mcause, mtval and mepc.
#![no_std]

pub use bare::access::*;
pub use bare::check::*;
use bare::paging::{alloc_page, identity_map_image, set_satp, sfence_vma_all, PageTable};
pub use bare::paging::{write_satp, S_R, S_RW, S_RWX, S_X, TEST_VA, U_RWX};
pub use bare::trap::run_in;
pub use bare::{mstatus_clear, mstatus_set, pmp_restrict_page};
use sv39_arch::csr::Priv;

pub use sv39_arch::cause::exc::{
    INSTRUCTION_ACCESS_FAULT, INSTRUCTION_PAGE_FAULT, LOAD_ACCESS_FAULT, LOAD_PAGE_FAULT, STORE_ACCESS_FAULT,
    STORE_PAGE_FAULT,
};

/// `ret` (jalr x0, 0(ra)), the code placed in executable test pages.
pub const RET: u32 = 0x0000_8067;
/// A doubleword of a code page (two `ret`s).
pub const RET2: u64 = (RET as u64) << 32 | RET as u64;

/// Grants S/U all memory through PMP, installs the trap handlers and returns a
/// page table in which the program image is identity-mapped for `mode` (S: U=0;
/// U: U=1, so S cannot execute it). The table is not yet in `satp`.
pub fn setup(mode: Priv) -> PageTable {
    bare::pmp_allow_all();
    bare::trap::init();
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, if mode == Priv::U { U_RWX } else { S_RWX });
    pt
}

/// Puts `pt` in `satp` (ASID 0) and flushes the TLB.
pub fn activate(pt: &PageTable) {
    set_satp(pt.satp(0));
}

/// A zeroed page whose first doubleword is `value`.
pub fn data_page(value: u64) -> u64 {
    let pa = alloc_page();
    write64(pa, value);
    pa
}

/// A zeroed page holding `ret` at offset 0 (and at every word, so any aligned
/// entry point returns) and `value` in its last doubleword.
pub fn code_page(value: u64) -> u64 {
    let pa = alloc_page();
    for off in (0..4088).step_by(4) {
        write32(pa + off, RET);
    }
    write64(pa + 4088, value);
    fence_i();
    pa
}

/// Overwrites the PTE of `va` at `level` and flushes the TLB.
pub fn set_pte(pt: &mut PageTable, va: u64, level: usize, value: u64) {
    pt.set_pte(va, level, value);
    sfence_vma_all();
}
