//! 3.1.6.3: "When MPRV=1, load and store memory addresses are translated and protected, and endianness
//! is applied, as though the current privilege mode were set to MPP. Instruction address-translation
//! and protection are unaffected by the setting of MPRV."
//!
//! Case: M-mode LR/SC with MPRV = 1, MPP = S.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV as S", Case::mprv(Priv::S, LrSc));
