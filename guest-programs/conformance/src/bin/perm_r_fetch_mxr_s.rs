//! 4.1.1.2: "When MXR=0, only loads from pages marked readable (R=1) will succeed. When MXR=1, loads
//! from pages marked either readable or executable (R=1 or X=1) will succeed."
//!
//! Case: S-mode fetch from a read-only page with MXR = 1: MXR is for loads only.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.1.2: MXR does not execute",
    Case::s(Fetch).leaf(0, V | R | A | D).status(MXR).expect(PAGE_FAULT)
);
