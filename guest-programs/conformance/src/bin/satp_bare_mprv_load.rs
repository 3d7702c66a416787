//! 4.1.11: "When MODE=Bare, supervisor virtual addresses are equal to supervisor physical addresses,
//! and there is no additional memory protection beyond the physical memory protection scheme"; the
//! canonical-address rule is Sv39's (4.4.1), so Bare addresses are not checked for it.
//!
//! Case: M-mode load with MPRV = 1, MPP = S while satp is Bare: the address is physical.
#![no_std]
#![no_main]
conformance::case!("4.1.11: Bare under MPRV", Case::mprv(Priv::S, Load).bare());
