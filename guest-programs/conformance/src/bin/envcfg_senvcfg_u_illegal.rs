//! 2.1: "Attempts to access a CSR without appropriate privilege level ... raise illegal instruction
//! exceptions"; senvcfg (0x10A) is a supervisor CSR.
//!
//! Case: U-mode reads senvcfg: illegal instruction.
#![no_std]
#![no_main]

use conformance::csr::{prepare_hart, read_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        read_illegal(10, Priv::U, c::SENVCFG, "senvcfg from U")
    }
}

conformance::case!("2.1: senvcfg is S-level", Rule);
