//! 4.2.1: "Changes to the sstatus fields SUM and MXR take effect immediately, without the need to
//! execute an SFENCE.VMA instruction."
//!
//! Case: An S-mode load of an execute-only page faults with MXR = 0, then succeeds right after MXR is
//! set.
#![no_std]
#![no_main]
conformance::case!("4.2.1: MXR change at once", StatusSwitch { bit: MXR, set: true });
