//! 4.3.2 step 6: "If i > 0 and pte.ppn[i-1:0] != 0, this is a misaligned superpage; stop and raise a
//! page-fault exception corresponding to the original access type."
//!
//! Case: U-mode store through a 1 GiB user leaf whose PPN[1] = 0x100.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 6: 1 GiB, PPN[1]=0x100",
    Case::u(Store).leaf(2, V | R | W | X | U | A | D).misaligned(512 * 0x100).expect(PAGE_FAULT)
);
