//! 4.2.1: "For the special cases of increasing the permissions on a leaf PTE and changing an invalid
//! PTE to a valid leaf, software may choose to execute the SFENCE.VMA lazily. After modifying the PTE
//! but before executing SFENCE.VMA, either the new or old permissions will be used."
//!
//! Case: A read-only leaf becomes writable without a fence: the store works or page-faults.
#![no_std]
#![no_main]
conformance::case!(
    "4.2.1: lazy permission upgrade",
    Remap { level: 0, global: false, change: Change::Upgrade, fence: Fence::None, covers: false }
);
