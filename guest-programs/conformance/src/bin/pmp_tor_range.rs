//! 3.7.1: "If TOR is selected, the associated address register forms the top of the address range, and
//! the preceding PMP address register forms the bottom of the address range. If PMP entry i's A field
//! is set to TOR, the entry matches any address y such that pmpaddr(i-1) <= y < pmpaddr(i)".
//!
//! Case: entry 0 OFF with pmpaddr0 = p+0x100, entry 1 TOR R (so [p+0x100, p+0x200)), entry 2 NAPOT no
//! access on page p, entry 3 all RWX: S lw at p+0x100 and p+0x1fc read; at p+0x200 and p+0xfc they
//! fault (entry 2).
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
        pmp(&[((p + 0x100) >> 2, 0), ((p + 0x200) >> 2, TOR | R), (napot(p, 4096), NAPOT), (ALL, NAPOT | RWX)]);
        let lw = routine(LW);
        bare::check::ensure_eq(10, lw.run(Priv::S, p + 0x100).is_ok() as u64, 1, "S lw at the bottom")?;
        bare::check::ensure_eq(11, lw.run(Priv::S, p + 0x1fc).is_ok() as u64, 1, "S lw at the last word")?;
        lw.faults_at(12, Priv::S, p + 0x200, exc::LOAD_ACCESS_FAULT, "S lw at the top")?;
        lw.faults_at(13, Priv::S, p + 0xfc, exc::LOAD_ACCESS_FAULT, "S lw below the bottom")
    }
}

conformance::case!("3.7.1: TOR range", Rule);
