//! 4.3.1: "Attempting to execute a load or load-reserved instruction whose effective address lies
//! within a page without read permissions raises a load page-fault exception."
//!
//! Case: S-mode LR from a read-write page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: LR is a load", Case::s(Lr));
