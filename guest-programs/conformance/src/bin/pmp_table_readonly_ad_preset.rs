//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." 3.7.2: page-table accesses are checked as S-mode
//! accesses.
//!
//! Case: S-mode store while PMP makes the level-0 table read-only; A and D are already set, so nothing
//! is written: it completes.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 2: tables are read", Case::s(Store).pmp(Pmp::Table(0), PMP_R));
