//! 4.3.2 step 3: "If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any bits or encodings that are
//! reserved for future standard use are set within pte, stop and raise a page-fault exception
//! corresponding to the original access type."
//!
//! Case: U-mode load with MXR = 1 through a leaf W = 1, X = 1, R = 0 (reserved even though MXR would
//! make X readable).
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 3: W without R",
    Case::u(Load).leaf(0, V | W | X | U | A | D).status(MXR).expect(PAGE_FAULT)
);
