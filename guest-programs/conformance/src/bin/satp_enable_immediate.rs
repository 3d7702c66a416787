//! 4.2.1: "Changing satp.MODE from Bare to other modes and vice versa also takes effect immediately,
//! without the need to execute an SFENCE.VMA instruction."
//!
//! Case: S-mode writes satp from Bare to Sv39 and loads through the new mapping in the next
//! instruction.
#![no_std]
#![no_main]
conformance::case!("4.2.1: Bare to Sv39 at once", SatpSwitch { enable: true });
