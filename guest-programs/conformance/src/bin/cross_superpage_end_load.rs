//! 4.1.9: "If stval is written with a nonzero value when a misaligned load or store causes an
//! access-fault or page-fault exception, then stval will contain the virtual address of the portion of
//! the access that caused the fault." The EEI may instead raise an address-misaligned exception (unpriv
//! 2.6).
//!
//! Case: S-mode 8-byte load in the last 4 bytes of a 2 MiB leaf; nothing maps the next page: stval is
//! the first address past the leaf.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the faulting part",
    Case::s(Load).leaf(1, V | R | W | X | A | D).at(0x1f_fffc).expect(&[Trap(Page, NextPage), Trap(Misaligned, Va)])
);
