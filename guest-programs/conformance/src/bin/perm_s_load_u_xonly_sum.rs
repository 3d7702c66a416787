//! 4.1.1.2: "When MXR=0, only loads from pages marked readable (R=1) will succeed. When MXR=1, loads
//! from pages marked either readable or executable (R=1 or X=1) will succeed."
//!
//! Case: S-mode load from an execute-only user page with SUM = 1, MXR = 0.
#![no_std]
#![no_main]
conformance::case!("4.1.1.2: SUM without MXR", Case::s(Load).leaf(0, V | X | U | A | D).status(SUM).expect(PAGE_FAULT));
