//! 4.4.1: "Any level of PTE may be a leaf PTE, so in addition to 4 KiB pages, Sv39 supports 2 MiB
//! megapages and 1 GiB gigapages"; 4.3.2 step 8: "If i > 0, then this is a superpage translation and
//! pa.ppn[i-1:0] = va.vpn[i-1:0]."
//!
//! Case: S-mode load of the last doubleword of a 1 GiB leaf over RAM at 0x8000_0000: it translates to
//! 0xbfff_fff8, where 128 MiB of RAM has no memory, so an access fault (not a page fault) shows the
//! translation reached the leaf's last byte.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 8: 1 GiB, last bytes",
    Case::s(Load).leaf(2, V | R | W | X | A | D).at(0x3fff_fff8).expect(ACCESS_FAULT)
);
