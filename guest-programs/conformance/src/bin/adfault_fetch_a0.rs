//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, a page-fault exception is raised." (Svade: --ad=fault)
//!
//! Case: S-mode fetch with A = 0.
#![no_std]
#![no_main]
conformance::case!("4.3.1 Svade: A=0 faults", Case::s(Fetch).leaf(0, V | X | D).expect(PAGE_FAULT));
