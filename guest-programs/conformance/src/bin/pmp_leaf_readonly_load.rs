//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: S-mode load from a page PMP makes read-only.
#![no_std]
#![no_main]
conformance::case!("4.3.1: PMP after translation", Case::s(Load).pmp(Pmp::Leaf, PMP_R));
