//! 4.4.1: "Bits 60-54 are reserved for future standard use and, until their use is defined by some
//! standard extension, must be zeroed by software for forward compatibility. If any of these bits are
//! set, a page-fault exception is raised."
//!
//! Case: S-mode load through a 1 GiB leaf with bit 55 set.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: bit 55 reserved (1 GiB)",
    Case::s(Load).leaf(2, V | R | W | X | A | D | 1 << 55).expect(PAGE_FAULT)
);
