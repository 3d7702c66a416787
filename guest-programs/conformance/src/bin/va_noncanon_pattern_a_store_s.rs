//! 4.4.1: "Instruction fetch addresses and load and store effective addresses, which are 64 bits, must
//! have bits 63-39 all equal to bit 38, or else a page-fault exception will occur." 4.1.9: stval may
//! hold "some other invalid address" for an invalid one.
//!
//! Case: S-mode store at 0xaaaa_aa90_0000_0800.
#![no_std]
#![no_main]
conformance::case!("4.4.1: bits 63-39 mixed", Case::s(Store).va(0xaaaa_aa90_0000_0800).expect(&[Trap(Page, Invalid)]));
