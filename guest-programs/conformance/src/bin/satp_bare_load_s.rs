//! 4.1.11: "When MODE=Bare, supervisor virtual addresses are equal to supervisor physical addresses,
//! and there is no additional memory protection beyond the physical memory protection scheme"; the
//! canonical-address rule is Sv39's (4.4.1), so Bare addresses are not checked for it.
//!
//! Case: S-mode load at a physical address with satp = Bare.
#![no_std]
#![no_main]
conformance::case!("4.1.11: Bare is physical", Case::s(Load).bare());
