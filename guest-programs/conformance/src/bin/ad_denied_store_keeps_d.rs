//! 4.3.1: "Updates of the A bit may be performed as a result of speculation, but updates to the D bit
//! must be exact (i.e., not speculative)"; 4.3.2 checks permissions (step 5) before A/D (step 7), so a
//! faulting access never sets D.
//!
//! Case: S-mode store to a read-only page with D = 0: a page fault, D stays clear (A may be set
//! speculatively).
#![no_std]
#![no_main]
conformance::case!("4.3.1: faulting store sets no D", Case::s(Store).leaf(0, V | R | A).expect(PAGE_FAULT));
