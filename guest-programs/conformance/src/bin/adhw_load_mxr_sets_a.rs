//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode load with MXR = 1 from an execute-only page with A = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.1: MXR load sets A", Case::s(Load).leaf(0, V | X).status(MXR).gains(A));
