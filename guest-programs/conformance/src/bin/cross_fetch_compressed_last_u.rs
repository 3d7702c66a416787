//! unpriv 1.5: with C, instructions are 16-bit aligned; a 16-bit instruction in the last two bytes of a
//! page is fetched from that page alone.
//!
//! Case: U-mode runs c.li and c.jr in the last 4 bytes of a user page before an unmapped page.
#![no_std]
#![no_main]
conformance::case!(
    "unpriv 1.5: RVC at page end",
    Case::u(Fetch).leaf(0, V | R | W | X | U | A | D).at(0xffc).compressed()
);
