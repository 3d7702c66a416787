//! 4.4.1: "Any level of PTE may be a leaf PTE, so in addition to 4 KiB pages, Sv39 supports 2 MiB
//! megapages and 1 GiB gigapages"; 4.3.2 step 8: "If i > 0, then this is a superpage translation and
//! pa.ppn[i-1:0] = va.vpn[i-1:0]."
//!
//! Case: S-mode fetch from the last 4 KiB page of a 2 MiB leaf.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 8: 2 MiB fetch", Case::s(Fetch).leaf(1, V | R | W | X | A | D).at(0x1f_f000));
