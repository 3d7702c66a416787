//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: A read-only page is loaded, then an AMO is done on it: a store/AMO page fault.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2: cached PTE, W=0",
    Case::s(Amo).leaf(0, V | R | A | D).cached(Priv::S, Load, 0).expect(PAGE_FAULT)
);
