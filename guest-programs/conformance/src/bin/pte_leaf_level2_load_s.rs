//! 4.4.1: "Any level of PTE may be a leaf PTE, so in addition to 4 KiB pages, Sv39 supports 2 MiB
//! megapages and 1 GiB gigapages"; 4.3.2 step 8: "If i > 0, then this is a superpage translation and
//! pa.ppn[i-1:0] = va.vpn[i-1:0]."
//!
//! Case: S-mode load through a leaf at level 2 (1 GiB).
#![no_std]
#![no_main]
conformance::case!("4.4.1: leaf at level 2", Case::s(Load).leaf(2, V | R | W | X | A | D));
