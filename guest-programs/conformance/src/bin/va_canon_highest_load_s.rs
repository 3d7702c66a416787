//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode load of the last doubleword of the address space, 0xffff_ffff_ffff_fff8.
#![no_std]
#![no_main]
conformance::case!("4.4.1: highest canonical", Case::s(Load).va(0xffff_ffff_ffff_fff8));
