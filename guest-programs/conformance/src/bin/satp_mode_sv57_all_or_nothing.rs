//! 4.1.11: an unsupported MODE write "has no effect"; a supported one takes effect entirely. 4.5:
//! "Implementations that support Sv48 must also support Sv39"; 4.6: "Implementations that support Sv57
//! must also support Sv48."
//!
//! Case: satp written with MODE = 10 (Sv57): all or nothing; if taken, Sv48 is supported too.
#![no_std]
#![no_main]
conformance::case!("4.1.11: Sv57 all or nothing", SatpWrite(10));
