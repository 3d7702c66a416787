//! 4.3.1: "Attempting to fetch an instruction from a page that does not have execute permissions raises
//! a fetch page-fault exception. Attempting to execute a load or load-reserved instruction whose
//! effective address lies within a page without read permissions raises a load page-fault exception.
//! Attempting to execute a store, store-conditional, or AMO instruction whose effective address lies
//! within a page without write permissions raises a store page-fault exception."
//!
//! Case: S-mode load from a read-only page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: R page load", Case::s(Load).leaf(0, V | R | A | D));
