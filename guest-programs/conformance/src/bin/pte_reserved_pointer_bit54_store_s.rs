//! 4.4.1: "Bits 60-54 are reserved for future standard use and, until their use is defined by some
//! standard extension, must be zeroed by software for forward compatibility. If any of these bits are
//! set, a page-fault exception is raised."
//!
//! Case: S-mode store; the level-2 pointer has bit 54 set.
#![no_std]
#![no_main]
conformance::case!("4.4.1: pointer bit 54 reserved", Case::s(Store).flip(2, 1 << 54).expect(PAGE_FAULT));
