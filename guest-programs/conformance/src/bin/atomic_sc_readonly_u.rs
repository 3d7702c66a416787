//! 4.3.1: "Attempting to execute a store, store-conditional, or AMO instruction whose effective address
//! lies within a page without write permissions raises a store page-fault exception."
//!
//! Case: U-mode LR then SC on a read-only user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: SC needs W", Case::u(LrSc).leaf(0, V | R | U | A | D).expect(PAGE_FAULT));
