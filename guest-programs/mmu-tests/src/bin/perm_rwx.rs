//! Leaf permissions R/W/X (privileged spec 1.12, 4.3.1 table 4.4 and 4.3.2 step 5):
//! "Attempting to fetch an instruction from a page that does not have execute
//! permissions raises a fetch page-fault exception. Attempting to execute a load
//! or load-reserved instruction whose effective address lies within a page
//! without read permissions raises a load page-fault exception. Attempting to
//! execute a store, store-conditional, or AMO instruction whose effective address
//! lies within a page without write permissions raises a store page-fault exception."
#![no_std]
#![no_main]

use bare::paging::PageTable;
use mmu_tests::*;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_W, PTE_X};

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    let code = code_page(0x4444);
    // Every valid leaf encoding; each case gets checks n..n+5.
    let combos = [PTE_R, PTE_R | PTE_W, PTE_X, PTE_R | PTE_X, PTE_R | PTE_W | PTE_X];
    for (k, rwx) in combos.into_iter().enumerate() {
        let n = 1 + 10 * k as u32;
        let va = TEST_VA + ((k as u64) << 12);
        pt.map(va, code, 0, rwx | PTE_A | PTE_D);
        bare::paging::sfence_vma_all();

        let r = run_in(Priv::S, acc_ld, va + 4088);
        if rwx & PTE_R != 0 {
            ensure_eq(n, expect_ok(n + 1, r, "load from readable page")?, 0x4444, "loaded value")?;
        } else {
            expect_trap(n, r, LOAD_PAGE_FAULT, va + 4088, addr_of(acc_ld), "load from unreadable page")?;
        }

        let r = run_in(Priv::S, acc_sd, va + 4080);
        if rwx & PTE_W != 0 {
            expect_ok(n + 2, r, "store to writable page")?;
            ensure_eq(n + 3, read64(code + 4080), va + 4080, "stored value")?;
        } else {
            expect_trap(n + 2, r, STORE_PAGE_FAULT, va + 4080, addr_of(acc_sd), "store to read-only page")?;
            ensure(n + 3, read64(code + 4080) != va + 4080, "faulting store changed memory")?;
        }

        let r = run_in(Priv::S, code_at(va + 0x100), 7);
        if rwx & PTE_X != 0 {
            // `ret` leaves a0 alone.
            ensure_eq(n + 4, expect_ok(n + 5, r, "fetch from executable page")?, 7, "returned a0")?;
        } else {
            expect_trap(n + 4, r, INSTRUCTION_PAGE_FAULT, va + 0x100, va + 0x100, "fetch from non-executable page")?;
        }
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("perm_rwx", test(&mut pt))
}
