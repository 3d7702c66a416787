//! 4.3.1: "The U bit indicates whether the page is accessible to user mode. U-mode software may only
//! access the page when U=1."
//!
//! Case: U-mode load from a supervisor page (U = 0).
#![no_std]
#![no_main]
conformance::case!("4.3.1: U needs U=1", Case::u(Load).leaf(0, V | R | W | X | A | D).expect(PAGE_FAULT));
