//! 4.3.2 step 4: "Otherwise, this PTE is a pointer to the next level of the page table. Let i = i-1. If
//! i < 0, stop and raise a page-fault exception corresponding to the original access type."
//!
//! Case: S-mode load; the level-0 PTE is a pointer (V = 1, R = W = X = 0).
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 4: pointer at level 0", Case::s(Load).leaf(0, V).expect(PAGE_FAULT));
