//! 4.3.2 step 4: "Otherwise, this PTE is a pointer to the next level of the page table. Let i = i-1. If
//! i < 0, stop and raise a page-fault exception corresponding to the original access type."
//!
//! Case: U-mode fetch; the level-0 PTE is a pointer (V and U-less).
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 4: pointer at level 0", Case::u(Fetch).leaf(0, V).expect(PAGE_FAULT));
