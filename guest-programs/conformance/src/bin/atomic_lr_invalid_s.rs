//! 4.3.1: "Attempting to execute a load or load-reserved instruction whose effective address lies
//! within a page without read permissions raises a load page-fault exception."
//!
//! Case: S-mode LR through a leaf with V = 0: a load page fault.
#![no_std]
#![no_main]
conformance::case!("4.3.1: LR is a load", Case::s(Lr).leaf(0, R | W | A | D).expect(PAGE_FAULT));
