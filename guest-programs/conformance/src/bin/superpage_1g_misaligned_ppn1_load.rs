//! 4.3.2 step 6: "If i > 0 and pte.ppn[i-1:0] != 0, this is a misaligned superpage; stop and raise a
//! page-fault exception corresponding to the original access type."
//!
//! Case: S-mode load through a 1 GiB leaf whose PPN[1] = 1 (PPN[0] = 0).
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 6: 1 GiB, PPN[1]=1",
    Case::s(Load).leaf(2, V | R | W | X | A | D).misaligned(512).expect(PAGE_FAULT)
);
