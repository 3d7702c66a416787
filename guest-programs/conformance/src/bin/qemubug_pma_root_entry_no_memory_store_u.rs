//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." A PTE address with no memory behind it violates the PMAs
//! (3.6).
//!
//! Case: U-mode store; the root entry's PPN points where nothing exists: a store access fault. QEMU 7.2
//! raises a page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 2: PTE in no memory",
    Case::u(Store).leaf(0, V | R | W | X | U | A | D).flip(2, 1 << 50).expect(ACCESS_FAULT)
);
