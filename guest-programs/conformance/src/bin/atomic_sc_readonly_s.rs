//! 4.3.1: "Attempting to execute a store, store-conditional, or AMO instruction whose effective address
//! lies within a page without write permissions raises a store page-fault exception."
//!
//! Case: S-mode LR (allowed) then SC on a read-only page: a store/AMO page fault at the SC.
#![no_std]
#![no_main]
conformance::case!("4.3.1: SC needs W", Case::s(LrSc).leaf(0, V | R | A | D).expect(PAGE_FAULT));
