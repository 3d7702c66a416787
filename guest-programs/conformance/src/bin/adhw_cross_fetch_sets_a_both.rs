//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode fetch of a 32-bit instruction split across two executable pages with A = 0: both gain
//! A.
#![no_std]
#![no_main]
conformance::case!("4.3.1: A on both pages", Case::s(Fetch).leaf(0, V | X).at(0xffe).next(V | X).gains(A));
