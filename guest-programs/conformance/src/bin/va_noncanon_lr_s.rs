//! 4.4.1: "Instruction fetch addresses and load and store effective addresses, which are 64 bits, must
//! have bits 63-39 all equal to bit 38, or else a page-fault exception will occur." 4.1.9: stval may
//! hold "some other invalid address" for an invalid one.
//!
//! Case: S-mode LR at 0x40_0000_0800.
#![no_std]
#![no_main]
conformance::case!("4.4.1: non-canonical LR", Case::s(Lr).va(0x40_0000_0800).expect(&[Trap(Page, Invalid)]));
