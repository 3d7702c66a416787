//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, a page-fault exception is raised." (Svade: --ad=fault)
//!
//! Case: Svade: an 8-byte store at 0xffc whose second page has D = 0: a page fault at the second page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the faulting part",
    Case::s(Store).at(0xffc).next(V | R | W | A).expect(&[Trap(Page, NextPage), Trap(Misaligned, Va)])
);
