//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: An execute-only page is fetched from, then loaded: a load page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: cached PTE, R=0",
    Case::s(Load).leaf(0, V | X | A | D).cached(Priv::S, Fetch, 0).expect(PAGE_FAULT)
);
