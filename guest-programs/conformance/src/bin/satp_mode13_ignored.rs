//! 4.1.11: "Implementations are not required to support all MODE settings, and if satp is written with
//! an unsupported MODE, the entire write has no effect; no fields in satp are modified."
//!
//! Case: M-mode writes satp with MODE = 13 (reserved), another ASID and root: satp keeps its Sv39
//! value.
#![no_std]
#![no_main]
conformance::case!("4.1.11: MODE 13 write ignored", SatpWrite(13));
