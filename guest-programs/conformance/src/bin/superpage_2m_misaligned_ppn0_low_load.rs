//! 4.3.2 step 6: "If i > 0 and pte.ppn[i-1:0] != 0, this is a misaligned superpage; stop and raise a
//! page-fault exception corresponding to the original access type."
//!
//! Case: S-mode load through a 2 MiB leaf whose PPN[0] = 1.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 6: 2 MiB, PPN[0]=1",
    Case::s(Load).leaf(1, V | R | W | X | A | D).misaligned(1).expect(PAGE_FAULT)
);
