//! 4.1.1.2: "When MXR=0, only loads from pages marked readable (R=1) will succeed. When MXR=1, loads
//! from pages marked either readable or executable (R=1 or X=1) will succeed."
//!
//! Case: S-mode LR from an execute-only page with MXR = 1.
#![no_std]
#![no_main]
conformance::case!("4.1.1.2: MXR reads X pages", Case::s(Lr).leaf(0, V | X | A | D).status(MXR));
