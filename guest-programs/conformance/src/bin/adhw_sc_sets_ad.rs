//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode LR then SC with A = D = 0: the SC (a store) leaves A and D set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: SC sets D", Case::s(LrSc).leaf(0, V | R | W).gains(A | D));
