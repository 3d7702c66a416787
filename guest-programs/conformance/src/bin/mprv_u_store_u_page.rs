//! 3.1.6.3: "When MPRV=1, load and store memory addresses are translated and protected, and endianness
//! is applied, as though the current privilege mode were set to MPP. Instruction address-translation
//! and protection are unaffected by the setting of MPRV."
//!
//! Case: M-mode store with MPRV = 1, MPP = U to a user page.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV as U", Case::mprv(Priv::U, Store).leaf(0, V | R | W | X | U | A | D));
