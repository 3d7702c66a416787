//! 4.2.1: "Changes to the sstatus fields SUM and MXR take effect immediately, without the need to
//! execute an SFENCE.VMA instruction."
//!
//! Case: An S-mode load of a user page succeeds with SUM = 1, then faults right after SUM is cleared.
#![no_std]
#![no_main]
conformance::case!("4.2.1: SUM change at once", StatusSwitch { bit: SUM, set: false });
