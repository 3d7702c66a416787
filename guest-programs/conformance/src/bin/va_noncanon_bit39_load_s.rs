//! 4.4.1: "Instruction fetch addresses and load and store effective addresses, which are 64 bits, must
//! have bits 63-39 all equal to bit 38, or else a page-fault exception will occur." 4.1.9: stval may
//! hold "some other invalid address" for an invalid one.
//!
//! Case: S-mode load at TEST_VA with bit 39 set (TEST_VA is mapped).
#![no_std]
#![no_main]
conformance::case!("4.4.1: bit 39 alone", Case::s(Load).va(0x90_0000_0800).expect(&[Trap(Page, Invalid)]));
