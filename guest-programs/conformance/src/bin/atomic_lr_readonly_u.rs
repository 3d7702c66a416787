//! 4.3.1: "Attempting to execute a load or load-reserved instruction whose effective address lies
//! within a page without read permissions raises a load page-fault exception."
//!
//! Case: U-mode LR from a read-only user page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: LR is a load", Case::u(Lr).leaf(0, V | R | U | A | D));
