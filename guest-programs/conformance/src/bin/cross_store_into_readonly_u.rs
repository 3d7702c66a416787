//! 4.1.9: "If stval is written with a nonzero value when a misaligned load or store causes an
//! access-fault or page-fault exception, then stval will contain the virtual address of the portion of
//! the access that caused the fault." The EEI may instead raise an address-misaligned exception (unpriv
//! 2.6).
//!
//! Case: U-mode 8-byte store at page offset 0xffa into a read-only user page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the faulting part",
    Case::u(Store)
        .leaf(0, V | R | W | X | U | A | D)
        .at(0xffa)
        .next(V | R | U | A | D)
        .expect(&[Trap(Page, NextPage), Trap(Misaligned, Va)])
);
