//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: U-mode store to a user page with A = D = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.1: store sets A and D", Case::u(Store).leaf(0, V | R | W | U).gains(A | D));
