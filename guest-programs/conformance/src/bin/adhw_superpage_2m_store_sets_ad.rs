//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode store through a 2 MiB leaf with A = D = 0: the leaf gains A and D, its pointer nothing.
#![no_std]
#![no_main]
conformance::case!("4.3.1: A/D in 2 MiB leaf", Case::s(Store).leaf(1, V | R | W).gains(A | D));
