//! 4.1.1.2: "When SUM=0, S-mode memory accesses to pages that are accessible by U-mode (U=1 in Figure
//! 4.18) will fault. When SUM=1, these accesses are permitted. SUM has no effect when page-based
//! virtual memory is not in effect, nor when executing in U-mode."
//!
//! Case: S-mode store to a user page with SUM = 1.
#![no_std]
#![no_main]
conformance::case!("4.1.1.2: SUM=1 permits", Case::s(Store).leaf(0, V | R | W | X | U | A | D).status(SUM));
