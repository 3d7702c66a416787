//! 4.3.1: "Attempting to execute a store, store-conditional, or AMO instruction whose effective address
//! lies within a page without write permissions raises a store page-fault exception."
//!
//! Case: U-mode LR then SC on a read-write user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: SC is a store", Case::u(LrSc).leaf(0, V | R | W | X | U | A | D));
