//! 4.3.1: "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use." Reserved bits
//! set: a page fault (4.3.2 step 3).
//!
//! Case: S-mode fetch; the root (level-2) pointer has A set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: A in root pointer reserved", Case::s(Fetch).flip(2, A).expect(PAGE_FAULT));
