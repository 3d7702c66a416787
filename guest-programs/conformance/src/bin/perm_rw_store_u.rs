//! 4.3.1: "Attempting to fetch an instruction from a page that does not have execute permissions raises
//! a fetch page-fault exception. Attempting to execute a load or load-reserved instruction whose
//! effective address lies within a page without read permissions raises a load page-fault exception.
//! Attempting to execute a store, store-conditional, or AMO instruction whose effective address lies
//! within a page without write permissions raises a store page-fault exception."
//!
//! Case: U-mode store to a read-write user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: RW page store", Case::u(Store).leaf(0, V | R | W | U | A | D));
