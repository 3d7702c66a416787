//! 4.3.1: "The U bit indicates whether the page is accessible to user mode. U-mode software may only
//! access the page when U=1."
//!
//! Case: U-mode load from a global (G = 1) user page: G does not change permissions.
#![no_std]
#![no_main]
conformance::case!("4.3.1: G is not a permission", Case::u(Load).leaf(0, V | R | W | X | U | A | D | G));
