//! 4.3.1: "AMOs never raise load page-fault exceptions. Since any unreadable page is also unwritable,
//! attempting to perform an AMO on an unreadable page always raises a store page-fault exception."
//!
//! Case: U-mode AMO on a read-execute user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: AMO needs W", Case::u(Amo).leaf(0, V | R | X | U | A | D).expect(PAGE_FAULT));
