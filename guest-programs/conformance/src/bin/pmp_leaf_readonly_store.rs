//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: S-mode store to a page PMP makes read-only (the PTE allows it).
#![no_std]
#![no_main]
conformance::case!("4.3.1: PMP after translation", Case::s(Store).pmp(Pmp::Leaf, PMP_R).expect(ACCESS_FAULT));
