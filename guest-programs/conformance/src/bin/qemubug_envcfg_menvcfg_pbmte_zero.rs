//! 3.1.18: "If the Svpbmt extension is not implemented, PBMTE is read-only zero." The virt board's
//! riscv,isa (QEMU 7.2 and sv39) names no Svpbmt; QEMU 7.2 keeps PBMTE as written all the same.
//!
//! Case: menvcfg written with PBMTE (bit 62) reads back 0.
#![no_std]
#![no_main]

use conformance::csr::write_reads_back;
use sv39_arch::csr::{self as c, menvcfg};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        write_reads_back(10, c::MENVCFG, menvcfg::PBMTE, &[0], "menvcfg after writing PBMTE")
    }
}

conformance::case!("3.1.18: menvcfg.PBMTE without Svpbmt", Rule);
