//! 4.3.1: "AMOs never raise load page-fault exceptions. Since any unreadable page is also unwritable,
//! attempting to perform an AMO on an unreadable page always raises a store page-fault exception."
//!
//! Case: S-mode AMO on an execute-only page: a store/AMO page fault (15). QEMU 7.2 raises a load page
//! fault (13).
#![no_std]
#![no_main]
conformance::case!("4.3.1: AMO never 13", Case::s(Amo).leaf(0, V | X | A | D).expect(PAGE_FAULT));
