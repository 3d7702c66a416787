//! 4.3.1: "AMOs never raise load page-fault exceptions. Since any unreadable page is also unwritable,
//! attempting to perform an AMO on an unreadable page always raises a store page-fault exception."
//!
//! Case: S-mode AMO through a leaf with V = 0: a store/AMO page fault (15). QEMU 7.2 raises a load page
//! fault (13): its AMO loads first.
#![no_std]
#![no_main]
conformance::case!("4.3.1: AMO on invalid page is 15", Case::s(Amo).leaf(0, R | W | X | A | D).expect(PAGE_FAULT));
