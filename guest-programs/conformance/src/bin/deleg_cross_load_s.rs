//! 3.1.8/4.1.9: a page or access fault delegated through medeleg is taken in S-mode with scause, stval
//! and sepc written as for mcause, mtval, mepc ("When a trap is taken into S-mode, stval is written
//! with exception-specific information").
//!
//! Case: S-mode load crossing into an unmapped page, delegated: stval is the next page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the faulting part",
    Case::s(Load).at(0xffc).delegated().expect(&[Trap(Page, NextPage), Trap(Misaligned, Va)])
);
