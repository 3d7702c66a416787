//! 4.4.1: "Bits 60-54 are reserved for future standard use and, until their use is defined by some
//! standard extension, must be zeroed by software for forward compatibility. If any of these bits are
//! set, a page-fault exception is raised."
//!
//! Case: U-mode load through a 4 KiB leaf with bit 57 set.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: PTE bit 57 reserved",
    Case::u(Load).leaf(0, V | R | W | X | U | A | D | 1 << 57).expect(PAGE_FAULT)
);
