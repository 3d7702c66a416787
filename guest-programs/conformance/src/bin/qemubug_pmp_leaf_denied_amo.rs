//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: S-mode AMO on a page PMP denies: a store/AMO access fault (7). QEMU 7.2 raises a load access
//! fault (5).
#![no_std]
#![no_main]
conformance::case!("4.3.1: PMP after translation", Case::s(Amo).pmp(Pmp::Leaf, 0).expect(ACCESS_FAULT));
