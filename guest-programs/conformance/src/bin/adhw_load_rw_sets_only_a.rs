//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode load from a read-write page with A = D = 0: only A is set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: load sets A only", Case::s(Load).leaf(0, V | R | W).gains(A));
