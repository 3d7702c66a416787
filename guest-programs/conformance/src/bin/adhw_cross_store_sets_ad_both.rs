//! 4.3.1: "When a virtual page is accessed and the A bit is clear, or is written and the D bit is
//! clear, the implementation sets the corresponding bit(s) in the PTE." (hardware A/D: --ad=update,
//! QEMU)
//!
//! Case: S-mode 8-byte store at 0xffc across two clean pages (A = D = 0): both leaves gain A and D.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.1: A/D on both pages",
    Case::s(Store).leaf(0, V | R | W).at(0xffc).next(V | R | W).gains(A | D)
);
