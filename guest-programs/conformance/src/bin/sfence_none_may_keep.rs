//! 4.2.1: "an implementation may use any translation for an address that was valid at any time since
//! the most recent SFENCE.VMA that subsumes that address. In particular, if a leaf PTE is modified but
//! a subsuming SFENCE.VMA is not executed, either the old translation or the new translation will be
//! used"
//!
//! Case: A leaf moves without any fence: old or new.
#![no_std]
#![no_main]
conformance::case!(
    "4.2.1: no fence, old or new",
    Remap { level: 0, global: false, change: Change::Leaf, fence: Fence::None, covers: false }
);
