//! 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an access-fault exception
//! corresponding to the original access type." A PTE address with no memory behind it violates the PMAs
//! (3.6).
//!
//! Case: S-mode fetch; the level-1 pointer points where nothing exists: an instruction access fault.
//! QEMU 7.2 raises a page fault.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 2: PTE in no memory", Case::s(Fetch).flip(1, 1 << 50).expect(ACCESS_FAULT));
