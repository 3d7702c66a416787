//! 4.1.1.2: "When SUM=0, S-mode memory accesses to pages that are accessible by U-mode (U=1 in Figure
//! 4.18) will fault. When SUM=1, these accesses are permitted. SUM has no effect when page-based
//! virtual memory is not in effect, nor when executing in U-mode."
//!
//! Case: S-mode load from a user page with SUM = 0.
#![no_std]
#![no_main]
conformance::case!("4.1.1.2: SUM=0 faults", Case::s(Load).leaf(0, V | R | W | X | U | A | D).expect(PAGE_FAULT));
