//! 4.3.1: "AMOs never raise load page-fault exceptions. Since any unreadable page is also unwritable,
//! attempting to perform an AMO on an unreadable page always raises a store page-fault exception."
//!
//! Case: S-mode AMO on a user page with SUM = 0: 15. QEMU 7.2 raises 13.
#![no_std]
#![no_main]
conformance::case!("4.3.1: AMO never 13", Case::s(Amo).leaf(0, V | R | W | X | U | A | D).expect(PAGE_FAULT));
