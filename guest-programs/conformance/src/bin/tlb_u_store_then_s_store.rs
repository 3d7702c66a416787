//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: A user page is stored to as U, then S-mode (SUM = 0) stores to it: a page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: cached PTE, SUM=0",
    Case::s(Store).leaf(0, V | R | W | X | U | A | D).cached(Priv::U, Store, 0).expect(PAGE_FAULT)
);
