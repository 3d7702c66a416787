//! 4.3.1: "Updates of the A bit may be performed as a result of speculation, but updates to the D bit
//! must be exact (i.e., not speculative)"; 4.3.2 checks permissions (step 5) before A/D (step 7), so a
//! faulting access never sets D.
//!
//! Case: S-mode store through a misaligned 2 MiB leaf with A = D = 0: a page fault, and D stays clear
//! (step 6 before step 7).
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 6 before 7",
    Case::s(Store).leaf(1, V | R | W).misaligned(1).expect(PAGE_FAULT).may_gain(A)
);
