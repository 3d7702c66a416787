//! 4.2.1: "Changes to the sstatus fields SUM and MXR take effect immediately, without the need to
//! execute an SFENCE.VMA instruction."
//!
//! Case: An S-mode load of a user page faults with SUM = 0, then succeeds right after M sets SUM (no
//! fence).
#![no_std]
#![no_main]
conformance::case!("4.2.1: SUM change at once", StatusSwitch { bit: SUM, set: true });
