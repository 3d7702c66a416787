//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." 3.7.2: page-table accesses are checked as S-mode
//! accesses.
//!
//! Case: U-mode load while PMP denies the level-0 table (implicit accesses are S-mode accesses even for
//! U).
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 2: PMP on PTE",
    Case::u(Load).leaf(0, V | R | W | X | U | A | D).pmp(Pmp::Table(0), 0).expect(ACCESS_FAULT)
);
