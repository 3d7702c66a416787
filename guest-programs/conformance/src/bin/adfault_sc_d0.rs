//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, a page-fault exception is raised." (Svade: --ad=fault)
//!
//! Case: S-mode LR (allowed: A = 1) then SC with D = 0: the SC faults.
#![no_std]
#![no_main]
conformance::case!("4.3.1 Svade: D=0 SC faults", Case::s(LrSc).leaf(0, V | R | W | A).expect(PAGE_FAULT));
