//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: U-mode fetch at 0x10, in the lowest page.
#![no_std]
#![no_main]
conformance::case!("4.4.1: lowest canonical page", Case::u(Fetch).leaf(0, V | R | W | X | U | A | D).va(0x10));
