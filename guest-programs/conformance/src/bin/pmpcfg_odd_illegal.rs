//! 3.7.1: "For RV64, eight even-numbered CSRs, pmpcfg0, pmpcfg2, ..., pmpcfg14, hold the configurations
//! for the 64 PMP entries ... The odd-numbered configuration registers, pmpcfg1, pmpcfg3, ...,
//! pmpcfg15, are illegal."
//!
//! Case: from M, reading pmpcfg1 and writing pmpcfg3 are illegal instructions.
#![no_std]
#![no_main]

use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        read_illegal(10, Priv::M, 0x3a1, "csrr pmpcfg1")?;
        write_illegal(11, Priv::M, 0x3a3, "csrw pmpcfg3")
    }
}

conformance::case!("3.7.1: RV64 has no odd pmpcfg", Rule);
