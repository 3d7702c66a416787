//! 4.3.1: "The U bit indicates whether the page is accessible to user mode. U-mode software may only
//! access the page when U=1."
//!
//! Case: U-mode LR from a supervisor page.
#![no_std]
#![no_main]
conformance::case!("4.3.1: U needs U=1", Case::u(Lr).leaf(0, V | R | W | X | A | D).expect(PAGE_FAULT));
