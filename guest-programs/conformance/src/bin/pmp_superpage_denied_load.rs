//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: S-mode load through a 2 MiB leaf from the one 4 KiB page PMP denies inside it.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.1: PMP after translation",
    Case::s(Load).leaf(1, V | R | W | X | A | D).pmp(Pmp::Leaf, 0).expect(ACCESS_FAULT)
);
