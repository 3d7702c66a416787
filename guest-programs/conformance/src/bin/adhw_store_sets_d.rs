//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode store with A = 1, D = 0: D is set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: store sets D", Case::s(Store).leaf(0, V | R | W | A).gains(D));
