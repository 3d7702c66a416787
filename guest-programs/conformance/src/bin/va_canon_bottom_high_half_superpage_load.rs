//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: S-mode load through a 2 MiB leaf at the bottom of the upper half.
#![no_std]
#![no_main]
conformance::case!("4.4.1: upper half, 2 MiB", Case::s(Load).leaf(1, V | R | W | X | A | D).va(0xffff_ffc0_0012_3800));
