//! 4.2.1: "Changes to the sstatus fields SUM and MXR take effect immediately, without the need to
//! execute an SFENCE.VMA instruction."
//!
//! Case: An S-mode load of an execute-only page succeeds with MXR = 1, then faults right after MXR is
//! cleared.
#![no_std]
#![no_main]
conformance::case!("4.2.1: MXR change at once", StatusSwitch { bit: MXR, set: false });
