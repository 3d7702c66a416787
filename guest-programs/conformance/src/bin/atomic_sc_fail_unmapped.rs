//! unpriv (20191213) 8.2: "For the purposes of memory protection, a failed SC.W may be treated like a
//! store"; unpriv (20240411) Zalrsc: "It is UNSPECIFIED whether any side effects of implicit address
//! translation and protection memory accesses (such as setting a page-table entry D bit) occur on a
//! failed SC". A failed SC never writes memory and leaves rd nonzero; D may or may not be set.
//!
//! Case: S-mode SC without a reservation at an unmapped address: it fails (rd != 0), or faults as a
//! store.
#![no_std]
#![no_main]
conformance::case!("unpriv 8.2: failed SC", Case::s(Sc).unmapped().expect(&[Done, Trap(Page, Va)]));
