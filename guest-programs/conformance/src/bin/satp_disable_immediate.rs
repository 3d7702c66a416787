//! 4.2.1: "Changing satp.MODE from Bare to other modes and vice versa also takes effect immediately,
//! without the need to execute an SFENCE.VMA instruction."
//!
//! Case: S-mode writes satp from Sv39 to Bare and loads an unmapped physical address in the next
//! instruction.
#![no_std]
#![no_main]
conformance::case!("4.2.1: Sv39 to Bare at once", SatpSwitch { enable: false });
