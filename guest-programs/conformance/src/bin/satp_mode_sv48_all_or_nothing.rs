//! 4.1.11: an unsupported MODE write "has no effect"; a supported one takes effect entirely. 4.5:
//! "Implementations that support Sv48 must also support Sv39"; 4.6: "Implementations that support Sv57
//! must also support Sv48."
//!
//! Case: satp written with MODE = 9 (Sv48): the whole value is taken (QEMU 7.2) or nothing (sv39).
#![no_std]
#![no_main]
conformance::case!("4.1.11: Sv48 all or nothing", SatpWrite(9));
