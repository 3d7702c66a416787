//! 3.1.6.3: "When MPRV=1, load and store memory addresses are translated and protected, and endianness
//! is applied, as though the current privilege mode were set to MPP. Instruction address-translation
//! and protection are unaffected by the setting of MPRV."
//!
//! Case: M-mode store with MPRV = 1, MPP = S to a read-only page: a store page fault.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV protects", Case::mprv(Priv::S, Store).leaf(0, V | R | A | D).expect(PAGE_FAULT));
