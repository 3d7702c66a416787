//! 4.3.2 step 7: "If pte.a = 0, or if the original memory access is a store and pte.d = 0, either raise
//! a page-fault exception corresponding to the original access type, or: If a store to pte would
//! violate a PMA or PMP check, raise an access-fault exception corresponding to the original access
//! type."
//!
//! Case: S-mode store needing D while PMP makes the level-0 table read-only: a store access fault, D
//! unchanged. QEMU 7.2 writes D anyway.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 7: D update vs PMP",
    Case::s(Store).leaf(0, V | R | W | A).pmp(Pmp::Table(0), PMP_R).expect(ACCESS_FAULT)
);
