//! 3.1.15 table 3.7: "During address translation for an explicit memory access: First encountered page
//! fault or access fault" comes before "With physical address for an explicit memory access:
//! Load/store/AMO access fault".
//!
//! Case: S-mode store to a read-only PTE over a page PMP denies: the page fault of translation comes
//! before the access fault of the physical access.
#![no_std]
#![no_main]
conformance::case!(
    "3.1.15: page fault before PMP",
    Case::s(Store).leaf(0, V | R | A | D).pmp(Pmp::Leaf, 0).expect(PAGE_FAULT)
);
