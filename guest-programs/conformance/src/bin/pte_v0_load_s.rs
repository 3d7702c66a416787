//! 4.3.2 step 3: "If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any bits or encodings that are
//! reserved for future standard use are set within pte, stop and raise a page-fault exception
//! corresponding to the original access type."
//!
//! Case: S-mode load through a 4 KiB leaf with V = 0 (all else set).
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 3: V=0 leaf", Case::s(Load).leaf(0, R | W | X | A | D).expect(PAGE_FAULT));
