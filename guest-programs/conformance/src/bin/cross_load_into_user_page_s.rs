//! 4.1.9: "If stval is written with a nonzero value when a misaligned load or store causes an
//! access-fault or page-fault exception, then stval will contain the virtual address of the portion of
//! the access that caused the fault." The EEI may instead raise an address-misaligned exception (unpriv
//! 2.6).
//!
//! Case: S-mode 8-byte load at page offset 0xffc into a user page (SUM = 0).
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the faulting part",
    Case::s(Load).at(0xffc).next(V | R | W | X | U | A | D).expect(&[Trap(Page, NextPage), Trap(Misaligned, Va)])
);
