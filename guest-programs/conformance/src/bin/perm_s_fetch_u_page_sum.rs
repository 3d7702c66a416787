//! 4.1.1.2: "Note that S-mode can never execute instructions from user pages, regardless of the state
//! of SUM." (4.3.1: "Irrespective of SUM, the supervisor may not execute code on pages with U=1.")
//!
//! Case: S-mode fetch from a user page with SUM = 1.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.1.2: S never runs U pages",
    Case::s(Fetch).leaf(0, V | R | W | X | U | A | D).status(SUM).expect(PAGE_FAULT)
);
