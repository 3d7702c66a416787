//! 4.3.1 table 4.5: X=1, W=0, R=0 is an "Execute-only page": fetches work, loads and stores fault
//! (4.3.1).
//!
//! Case: U-mode load from an execute-only user page (MXR = 0).
#![no_std]
#![no_main]
conformance::case!("4.3.1: X-only load faults", Case::u(Load).leaf(0, V | X | U | A | D).expect(PAGE_FAULT));
