//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode 8-byte load at 0xffc across two pages with A = 0: both leaves gain A.
#![no_std]
#![no_main]
conformance::case!("4.3.1: A on both pages", Case::s(Load).leaf(0, V | R).at(0xffc).next(V | R).gains(A));
