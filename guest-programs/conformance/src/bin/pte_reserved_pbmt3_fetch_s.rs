//! 4.4.1/Svpbmt: bits 62-61 are reserved without Svpbmt ("or else a page-fault exception is raised");
//! with it, "setting bits 62-61 to the value 3 is reserved ... raises a page-fault exception" in a
//! leaf, and in a non-leaf PTE "bits 62-61 are reserved ... or else a page-fault exception is raised".
//!
//! Case: S-mode fetch through a leaf with bits 62-61 = 3.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: PBMT=3 reserved",
    Case::s(Fetch).leaf(0, V | R | W | X | A | D | 3 << 61).expect(PAGE_FAULT)
);
