//! 3.7.1: "PMP CSRs are only accessible to M-mode" (machine-level CSR numbers, 2.1).
//!
//! Case: S-mode reads pmpcfg0 and writes pmpaddr0: illegal instructions.
#![no_std]
#![no_main]

use conformance::csr::{prepare_hart, read_illegal, write_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        read_illegal(10, Priv::S, c::PMPCFG0, "csrr pmpcfg0 from S")?;
        write_illegal(11, Priv::S, c::PMPADDR0, "csrw pmpaddr0 from S")
    }
}

conformance::case!("3.7.1: PMP CSRs are M-level", Rule);
