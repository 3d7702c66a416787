//! 4.4.1/Svpbmt: bits 62-61 are reserved without Svpbmt ("or else a page-fault exception is raised");
//! with it, "setting bits 62-61 to the value 3 is reserved ... raises a page-fault exception" in a
//! leaf, and in a non-leaf PTE "bits 62-61 are reserved ... or else a page-fault exception is raised".
//!
//! Case: S-mode load; the level-1 pointer has bit 61 set.
#![no_std]
#![no_main]
conformance::case!("4.4.1: PBMT in pointer reserved", Case::s(Load).flip(1, 1 << 61).expect(PAGE_FAULT));
