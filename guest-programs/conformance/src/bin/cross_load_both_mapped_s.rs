//! 4.1.9: "If stval is written with a nonzero value when a misaligned load or store causes an
//! access-fault or page-fault exception, then stval will contain the virtual address of the portion of
//! the access that caused the fault." The EEI may instead raise an address-misaligned exception (unpriv
//! 2.6).
//!
//! Case: S-mode 8-byte load at offset 0xffc across two mapped pages backed by unrelated physical pages:
//! each part comes from its own page.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: each page translated",
    Case::s(Load).at(0xffc).next(V | R | W | X | A | D).expect(&[Done, Trap(Misaligned, Va)])
);
