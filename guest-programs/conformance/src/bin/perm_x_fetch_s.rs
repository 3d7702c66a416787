//! 4.3.1 table 4.5: X=1, W=0, R=0 is an "Execute-only page": fetches work, loads and stores fault
//! (4.3.1).
//!
//! Case: S-mode fetch from an execute-only page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: X-only fetch", Case::s(Fetch).leaf(0, V | X | A | D));
