//! 3.1.15 table 3.7: a misaligned load/store/AMO exception may come before ("Optionally") or after ("If
//! not higher priority") the page and access faults of address translation: "The relative priority of
//! load/store/AMO address-misaligned exceptions is implementation-defined".
//!
//! Case: S-mode misaligned 8-byte store inside a read-only page: 6 or 15.
#![no_std]
#![no_main]
conformance::case!(
    "3.1.15: misaligned vs page fault",
    Case::s(Store).leaf(0, V | R | A | D).at(0x804).expect(&[Trap(Misaligned, Va), Trap(Page, Va)])
);
