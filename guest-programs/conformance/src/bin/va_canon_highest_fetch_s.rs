//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode fetch of a compressed instruction pair in the last 4 bytes of the address space.
#![no_std]
#![no_main]
conformance::case!("4.4.1: highest canonical", Case::s(Fetch).va(0xffff_ffff_ffff_fffc).compressed());
