//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." 3.7.2: page-table accesses are checked as S-mode
//! accesses.
//!
//! Case: S-mode AMO while PMP denies the level-0 table: a store/AMO access fault (7). QEMU 7.2 raises a
//! load access fault (5).
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 2: PMP on PTE", Case::s(Amo).pmp(Pmp::Table(0), 0).expect(ACCESS_FAULT));
