//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: M-mode store with MPRV = 1, MPP = S to a page PMP denies S.
#![no_std]
#![no_main]
conformance::case!("3.7.1: PMP applies under MPRV", Case::mprv(Priv::S, Store).pmp(Pmp::Leaf, 0).expect(ACCESS_FAULT));
