//! unpriv 1.5: with C, instructions are 16-bit aligned; a 16-bit instruction in the last two bytes of a
//! page is fetched from that page alone.
//!
//! Case: S-mode runs c.li and c.jr in the last 4 bytes of a page before an unmapped page.
#![no_std]
#![no_main]
conformance::case!("unpriv 1.5: RVC at page end", Case::s(Fetch).at(0xffc).compressed());
