//! 4.3.2 step 3: "If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any bits or encodings that are
//! reserved for future standard use are set within pte, stop and raise a page-fault exception
//! corresponding to the original access type."
//!
//! Case: S-mode load through a leaf with W = 1, R = 0, X = 0 (reserved).
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 3: W without R", Case::s(Load).leaf(0, V | W | A | D).expect(PAGE_FAULT));
