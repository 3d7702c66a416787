//! 4.1.9: "If stval is written with a nonzero value when an instruction access-fault or page-fault
//! exception occurs on a system with variable-length instructions, then stval will contain the virtual
//! address of the portion of the instruction that caused the fault, while sepc will point to the
//! beginning of the instruction."
//!
//! Case: S-mode fetch of a 32-bit instruction at 0xffe whose second half is on a user page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the instruction part",
    Case::s(Fetch).at(0xffe).next(V | R | W | X | U | A | D).expect(&[Trap(Page, NextPage)])
);
