//! 4.1.11: "The number of implemented ASID bits, termed ASIDLEN, may be determined by writing one to
//! every bit position in the ASID field, then reading back the value in satp to see which bit positions
//! in the ASID field hold a one. The least-significant bits of ASID are implemented first"
//!
//! Case: ASID written as all ones reads back as its implemented low bits, stably, with MODE and PPN
//! kept.
#![no_std]
#![no_main]
conformance::case!("4.1.11: ASID WARL", AsidWarl);
