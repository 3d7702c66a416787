//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode fetch from an execute-only page with A = 0: A is set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: fetch sets A", Case::s(Fetch).leaf(0, V | X).gains(A));
