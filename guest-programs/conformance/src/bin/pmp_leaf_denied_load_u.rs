//! 4.3.1: "The resulting supervisor-level physical addresses are then checked using any physical memory
//! protection structures"; a PMP violation is an access fault (3.7.1).
//!
//! Case: U-mode load from a user page PMP denies.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.1: PMP after translation",
    Case::u(Load).leaf(0, V | R | W | X | U | A | D).pmp(Pmp::Leaf, 0).expect(ACCESS_FAULT)
);
