//! 4.1.1.2: "When SUM=0, S-mode memory accesses to pages that are accessible by U-mode (U=1 in Figure
//! 4.18) will fault. When SUM=1, these accesses are permitted. SUM has no effect when page-based
//! virtual memory is not in effect, nor when executing in U-mode."
//!
//! Case: U-mode load from a supervisor page with SUM = 1: SUM does not apply to U-mode.
#![no_std]
#![no_main]
conformance::case!(
    "4.1.1.2: SUM not for U",
    Case::u(Load).leaf(0, V | R | W | X | A | D).status(SUM).expect(PAGE_FAULT)
);
