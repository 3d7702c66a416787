//! 4.3.2 step 7: "If pte.a = 0, or if the original memory access is a store and pte.d = 0" - only
//! stores (and SC, AMOs) need D.
//!
//! Case: S-mode fetch from a writable page with A = 1, D = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 7: fetches need no D", Case::s(Fetch).leaf(0, V | R | W | X | A));
