//! 3.1.15 table 3.7: a misaligned load/store/AMO exception may come before ("Optionally") or after ("If
//! not higher priority") the page and access faults of address translation: "The relative priority of
//! load/store/AMO address-misaligned exceptions is implementation-defined".
//!
//! Case: S-mode misaligned 8-byte load inside an unmapped page: 4 or 13 (not crossing a page).
#![no_std]
#![no_main]
conformance::case!(
    "3.1.15: misaligned vs page fault",
    Case::s(Load).unmapped().at(0x804).expect(&[Trap(Misaligned, Va), Trap(Page, Va)])
);
