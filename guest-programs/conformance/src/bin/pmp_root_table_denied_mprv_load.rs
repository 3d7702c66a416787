//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." 3.7.2: page-table accesses are checked as S-mode
//! accesses.
//!
//! Case: M-mode load with MPRV = 1, MPP = S while PMP denies S the root page table: a load access
//! fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 2: PMP on root PTE",
    Case::mprv(Priv::S, Load).pmp(Pmp::Table(2), 0).expect(ACCESS_FAULT)
);
