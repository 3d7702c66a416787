//! 3.1.15 table 3.7: a misaligned load/store/AMO exception may come before ("Optionally") or after ("If
//! not higher priority") the page and access faults of address translation: "The relative priority of
//! load/store/AMO address-misaligned exceptions is implementation-defined".
//!
//! Case: S-mode misaligned AMO at an unmapped address: misaligned (6), its access-fault form (7) or the
//! page fault (15), in an implementation-defined order - never a load cause. QEMU 7.2 raises 4.
#![no_std]
#![no_main]
conformance::case!(
    "3.1.15: misaligned vs page fault",
    Case::s(Amo).unmapped().at(0x804).expect(&[Trap(Misaligned, Va), Trap(Access, Va), Trap(Page, Va)])
);
