//! 4.3.2: "The results of implicit address-translation reads in step 2 may be held in a read-only,
//! incoherent address-translation cache"; permissions (step 5) and A/D (step 7) still apply to every
//! access: only the PTE reads may be cached, and "The address-translation cache cannot be used in step
//! 7".
//!
//! Case: A clean page (A = D = 0) is loaded (A set, translation cached), then stored to: D is set in
//! the PTE.
#![no_std]
#![no_main]
conformance::case!(
    "4.3.2 step 7: D after cached load",
    Case::s(Store).leaf(0, V | R | W).cached(Priv::S, Load, 0).gains(D)
);
