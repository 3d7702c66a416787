//! 4.3.2 step 6: "If i > 0 and pte.ppn[i-1:0] != 0, this is a misaligned superpage; stop and raise a
//! page-fault exception corresponding to the original access type."
//!
//! Case: S-mode fetch through a 1 GiB leaf whose PPN[0] and PPN[1] are both nonzero.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 6: 1 GiB, both fields",
    Case::s(Fetch).leaf(2, V | R | W | X | A | D).misaligned(513).expect(PAGE_FAULT)
);
