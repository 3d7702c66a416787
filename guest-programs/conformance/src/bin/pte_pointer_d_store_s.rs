//! 4.3.1: "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use." Reserved bits
//! set: a page fault (4.3.2 step 3).
//!
//! Case: S-mode store; the level-1 pointer has D set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: D in pointer reserved", Case::s(Store).flip(1, D).expect(PAGE_FAULT));
