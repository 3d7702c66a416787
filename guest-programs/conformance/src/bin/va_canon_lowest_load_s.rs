//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode load at VA 0, the lowest address.
#![no_std]
#![no_main]
conformance::case!("4.4.1: lowest canonical", Case::s(Load).va(0));
