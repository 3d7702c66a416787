//! 3.6/4.3.1: the translated physical address is checked against the PMAs; an access where no memory or
//! device exists is an access fault, not a page fault.
//!
//! Case: S-mode load through a valid leaf whose PPN points where nothing exists: a load access fault.
#![no_std]
#![no_main]
conformance::case!("3.6: leaf PA in no memory", Case::s(Load).flip(0, 1 << 50).expect(ACCESS_FAULT));
