//! 4.3.1 table 4.5: X=1, W=0, R=0 is an "Execute-only page": fetches work, loads and stores fault
//! (4.3.1).
//!
//! Case: U-mode fetch from an execute-only user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: X-only fetch", Case::u(Fetch).leaf(0, V | X | U | A | D));
