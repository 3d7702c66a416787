//! 4.3.2 step 3: "If pte.v = 0 ... stop and raise a page-fault exception
//! corresponding to the original access type." S-mode load, V = 0 leaf.
#![no_std]
#![no_main]
conformance::case!("4.3.2 step 3: V=0 leaf", Case::s(Load).leaf(0, R | W | X | A | D).expect(PAGE_FAULT));
