//! 4.1.11: "When MODE=Bare, supervisor virtual addresses are equal to supervisor physical addresses,
//! and there is no additional memory protection beyond the physical memory protection scheme"; the
//! canonical-address rule is Sv39's (4.4.1), so Bare addresses are not checked for it.
//!
//! Case: S-mode load with satp = Bare at 0x80_8000_0800 (bit 39 set): not a page fault but an access
//! fault - no memory there.
#![no_std]
#![no_main]
conformance::case!("4.1.11: Bare has no VA check", Case::s(Load).bare().va(0x80_8000_0800).expect(ACCESS_FAULT));
