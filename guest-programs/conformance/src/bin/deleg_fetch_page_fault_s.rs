//! 3.1.8/4.1.9: a page or access fault delegated through medeleg is taken in S-mode with scause, stval
//! and sepc written as for mcause, mtval, mepc ("When a trap is taken into S-mode, stval is written
//! with exception-specific information").
//!
//! Case: S-mode fetch from a user page, delegated: scause 12, sepc = stval = the address.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: scause/stval/sepc",
    Case::s(Fetch).leaf(0, V | R | W | X | U | A | D).delegated().expect(PAGE_FAULT)
);
