//! 4.1.9: "If stval is written with a nonzero value when an instruction access-fault or page-fault
//! exception occurs on a system with variable-length instructions, then stval will contain the virtual
//! address of the portion of the instruction that caused the fault, while sepc will point to the
//! beginning of the instruction."
//!
//! Case: S-mode fetch of a 32-bit instruction in the last 2 bytes of a 2 MiB leaf; nothing maps the
//! next page.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.9: stval of the instruction part",
    Case::s(Fetch).leaf(1, V | R | W | X | A | D).at(0x1f_fffe).expect(&[Trap(Page, NextPage)])
);
