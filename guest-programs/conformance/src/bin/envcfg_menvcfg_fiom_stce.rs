//! 3.1.18: menvcfg.FIOM (bit 0) is writable; Sstc: "STCE ... bit 63 of menvcfg" enables stimecmp
//! (the hart implements Sstc; its riscv,isa says sstc).
//!
//! Case: menvcfg written with FIOM | STCE reads back exactly that; written with 0 reads 0.
#![no_std]
#![no_main]

use conformance::csr::write_reads_back;
use sv39_arch::csr::{self as c, menvcfg};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let both = menvcfg::FIOM | menvcfg::STCE;
        write_reads_back(10, c::MENVCFG, both, &[both], "menvcfg after writing FIOM | STCE")?;
        write_reads_back(11, c::MENVCFG, 0, &[0], "menvcfg after writing 0")
    }
}

conformance::case!("3.1.18: menvcfg FIOM and STCE", Rule);
