//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode fetch at 0xffff_ffc0_0000_0000, the bottom of the upper half.
#![no_std]
#![no_main]
conformance::case!("4.4.1: bottom of upper half", Case::s(Fetch).va(0xffff_ffc0_0000_0000));
