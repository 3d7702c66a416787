//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode LR with A = 0: A is set, D stays clear.
#![no_std]
#![no_main]
conformance::case!("4.3.1: LR sets A", Case::s(Lr).leaf(0, V | R | W).gains(A));
