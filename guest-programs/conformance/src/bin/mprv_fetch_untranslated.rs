//! 3.1.6.3: "When MPRV=1, load and store memory addresses are translated and protected, and endianness
//! is applied, as though the current privilege mode were set to MPP. Instruction address-translation
//! and protection are unaffected by the setting of MPRV."
//!
//! Case: M-mode jump to TEST_VA with MPRV = 1, MPP = S: the fetch is physical, and there is no memory
//! at 0x10_0000_0000, so an instruction access fault, not a page fault or success.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV ignored for fetch", Case::mprv(Priv::S, Fetch).expect(ACCESS_FAULT));
