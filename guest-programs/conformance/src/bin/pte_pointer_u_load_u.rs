//! 4.3.1: "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use." Reserved bits
//! set: a page fault (4.3.2 step 3).
//!
//! Case: U-mode load of a user page; the level-1 pointer has U set.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.1: U in pointer reserved",
    Case::u(Load).leaf(0, V | R | W | X | U | A | D).flip(1, U).expect(PAGE_FAULT)
);
