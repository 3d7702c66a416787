//! 3.7.1: "NA4: Naturally aligned four-byte region"; with G = 0 an entry can cover one word. "When one
//! of these bits is clear, the corresponding access type is denied"; failed accesses raise load or
//! store access faults (mtval = the address).
//!
//! Case: entry 0 NA4 R on word p+0x100, entry 1 NAPOT no access on page p, entry 2 all RWX: S lw at
//! p+0x100 reads; S sw there faults; S lw at p+0x104 faults.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::cause::exc;
use sv39_arch::csr::pmpcfg::R;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        bare::access::write32(p + 0x100, 0x5a5a_1234);
        pmp(&[((p + 0x100) >> 2, NA4 | R), (napot(p, 4096), NAPOT), (ALL, NAPOT | RWX)]);
        let lw = routine(LW);
        let got = lw.run(Priv::S, p + 0x100);
        bare::check::ensure_eq(10, got.unwrap_or(0), 0x5a5a_1234, "S lw in the NA4 word")?;
        routine(SW).faults_at(11, Priv::S, p + 0x100, exc::STORE_ACCESS_FAULT, "S sw in the read-only NA4 word")?;
        lw.faults_at(12, Priv::S, p + 0x104, exc::LOAD_ACCESS_FAULT, "S lw just past the NA4 word")
    }
}

conformance::case!("3.7.1: NA4 region", Rule);
