//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, a page-fault exception is raised." (Svade: --ad=fault)
//!
//! Case: Svade: a 32-bit instruction at 0xffe whose second page has A = 0: an instruction page fault at
//! the second page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the instruction part",
    Case::s(Fetch).at(0xffe).next(V | X | D).expect(&[Trap(Page, NextPage)])
);
