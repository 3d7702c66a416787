//! 4.4.1: "Instruction fetch addresses and load and store effective addresses, which are 64 bits, must
//! have bits 63-39 all equal to bit 38, or else a page-fault exception will occur." 4.1.9: stval may
//! hold "some other invalid address" for an invalid one.
//!
//! Case: S-mode AMO at 0x40_0000_0800: a store/AMO page fault. QEMU 7.2 raises a load page fault
//! (4.3.1: "AMOs never raise load page-fault exceptions").
#![no_std]
#![no_main]
conformance::case!("4.4.1: non-canonical AMO", Case::s(Amo).va(0x40_0000_0800).expect(&[Trap(Page, Invalid)]));
