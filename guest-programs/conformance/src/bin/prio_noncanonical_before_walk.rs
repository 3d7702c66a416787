//! 4.4.1: a non-canonical address raises a page fault before any page-table access, so PMP on the root
//! table (an access fault at step 2) never comes into play.
//!
//! Case: M-mode load with MPRV = 1, MPP = S at a non-canonical address while PMP denies the root table:
//! a page fault, not an access fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.4.1: VA check before walk",
    Case::mprv(Priv::S, Load).va(0x40_0000_0800).pmp(Pmp::Table(2), 0).expect(&[Trap(Page, Invalid)])
);
