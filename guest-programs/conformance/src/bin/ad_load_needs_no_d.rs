//! 4.3.2 step 7: "If pte.a = 0, or if the original memory access is a store and pte.d = 0" - only
//! stores (and SC, AMOs) need D.
//!
//! Case: S-mode load from a writable page with A = 1, D = 0: it completes and D stays clear under
//! either scheme.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 7: loads need no D", Case::s(Load).leaf(0, V | R | W | A));
