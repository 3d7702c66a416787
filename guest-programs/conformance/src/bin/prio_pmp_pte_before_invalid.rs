//! 4.3.2: step 2 (the PMP check of the PTE read: access fault) comes before step 3 (V = 0: page fault);
//! table 3.7: "First encountered page fault or access fault".
//!
//! Case: S-mode load through a V = 0 leaf in a level-0 table PMP denies: the access fault of reading
//! the PTE comes first.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 2 before 3",
    Case::s(Load).leaf(0, R | W | A | D).pmp(Pmp::Table(0), 0).expect(ACCESS_FAULT)
);
