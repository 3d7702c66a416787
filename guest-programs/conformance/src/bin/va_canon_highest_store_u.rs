//! 4.4.1: addresses whose bits 63-39 all equal bit 38 are translated like any other.
//!
//! Case: U-mode store to 0xffff_ffff_ffff_fff8.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: highest canonical",
    Case::u(Store).leaf(0, V | R | W | X | U | A | D).va(0xffff_ffff_ffff_fff8)
);
