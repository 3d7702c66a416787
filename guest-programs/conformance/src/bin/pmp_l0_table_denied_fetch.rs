//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." 3.7.2: page-table accesses are checked as S-mode
//! accesses.
//!
//! Case: S-mode fetch while PMP denies the level-0 table: an instruction access fault.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 2: PMP on PTE", Case::s(Fetch).pmp(Pmp::Table(0), 0).expect(ACCESS_FAULT));
