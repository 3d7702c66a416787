//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." A PTE address with no memory behind it violates the PMAs
//! (3.6).
//!
//! Case: S-mode load; the level-1 pointer's PPN has bit 40 flipped (a table at 2^52 + x, where nothing
//! exists): a load access fault. QEMU 7.2 raises a page fault when a PTE read fails.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 2: PTE in no memory", Case::s(Load).flip(1, 1 << 50).expect(ACCESS_FAULT));
