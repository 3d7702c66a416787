//! 4.3.1: "Attempting to execute a store, store-conditional, or AMO instruction whose effective address
//! lies within a page without write permissions raises a store page-fault exception."
//!
//! Case: S-mode LR then SC on a read-write page: the SC stores.
#![no_std]
#![no_main]
conformance::case!("4.3.1: SC is a store", Case::s(LrSc));
