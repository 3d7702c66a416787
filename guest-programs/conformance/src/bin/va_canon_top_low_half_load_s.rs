//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode load at 0x3f_ffff_fff8, the top of the lower half.
#![no_std]
#![no_main]
conformance::case!("4.4.1: top of lower half", Case::s(Load).va(0x3f_ffff_fff8));
