//! 4.3.1: "AMOs never raise load page-fault exceptions. Since any unreadable page is also unwritable,
//! attempting to perform an AMO on an unreadable page always raises a store page-fault exception."
//!
//! Case: M-mode AMO with MPRV = 1, MPP = U on a supervisor page: a store/AMO page fault. QEMU 7.2
//! raises a load page fault.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV AMO as U", Case::mprv(Priv::U, Amo).expect(PAGE_FAULT));
