//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: M-mode store with MPRV = 1, MPP = S, A = D = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.1: MPRV store sets D", Case::mprv(Priv::S, Store).leaf(0, V | R | W).gains(A | D));
