//! 4.1.1.2: "When MXR=0, only loads from pages marked readable (R=1) will succeed. When MXR=1, loads
//! from pages marked either readable or executable (R=1 or X=1) will succeed."
//!
//! Case: U-mode load from an execute-only user page with MXR = 1.
#![no_std]
#![no_main]
conformance::case!("4.1.1.2: MXR reads X pages", Case::u(Load).leaf(0, V | X | U | A | D).status(MXR));
