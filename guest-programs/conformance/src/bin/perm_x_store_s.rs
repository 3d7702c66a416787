//! 4.3.1 table 4.5: X=1, W=0, R=0 is an "Execute-only page": fetches work, loads and stores fault
//! (4.3.1).
//!
//! Case: S-mode store to an execute-only page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: X-only store faults", Case::s(Store).leaf(0, V | X | A | D).expect(PAGE_FAULT));
