//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: A user page is loaded by S with SUM = 1, then S fetches from it (SUM = 1): a page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: cached PTE, S fetch of U",
    Case::s(Fetch).leaf(0, V | R | W | X | U | A | D).status(SUM).cached(Priv::S, Load, SUM).expect(PAGE_FAULT)
);
