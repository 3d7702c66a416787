//! 4.4.1: "If Svnapot is not implemented, bit 63 remains reserved and must be zeroed by software for
//! forward compatibility, or else a page-fault exception is raised." (With Svnapot the PPN here is not
//! a valid 64 KiB encoding either.)
//!
//! Case: S-mode load through a 4 KiB leaf with bit 63 set.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: PTE bit 63 reserved",
    Case::s(Load).leaf(0, V | R | W | X | A | D | 1 << 63).expect(PAGE_FAULT)
);
