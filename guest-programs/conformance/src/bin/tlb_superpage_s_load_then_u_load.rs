//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: A supervisor 2 MiB page is loaded as S, then U-mode loads it: a page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: cached 2 MiB PTE, U=0",
    Case::u(Load).leaf(1, V | R | W | X | A | D).cached(Priv::S, Load, 0).expect(PAGE_FAULT)
);
