//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode load through a 1 GiB leaf with A = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.1: A in 1 GiB leaf", Case::s(Load).leaf(2, V | R | W).gains(A));
