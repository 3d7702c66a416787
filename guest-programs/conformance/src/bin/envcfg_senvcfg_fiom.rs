//! 4.1.10: senvcfg.FIOM (bit 0) is writable (the hart has U-mode); STCE and PBMTE exist only in
//! menvcfg.
//!
//! Case: senvcfg written with FIOM | bit 63 | bit 62 reads back FIOM; 0 reads back 0.
#![no_std]
#![no_main]

use conformance::csr::write_reads_back;
use sv39_arch::csr::{self as c, menvcfg};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let ones = menvcfg::FIOM | menvcfg::STCE | menvcfg::PBMTE;
        write_reads_back(10, c::SENVCFG, ones, &[menvcfg::FIOM], "senvcfg after writing FIOM | bits 63:62")?;
        write_reads_back(11, c::SENVCFG, 0, &[0], "senvcfg after writing 0")
    }
}

conformance::case!("4.1.10: senvcfg.FIOM", Rule);
