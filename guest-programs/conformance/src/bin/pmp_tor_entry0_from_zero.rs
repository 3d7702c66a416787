//! 3.7.1: "If PMP entry 0's A field is set to TOR, zero is used for the lower bound, and so it matches
//! any address y < pmpaddr0."
//!
//! Case: entry 0 TOR R X up to p+0x100, entry 1 TOR RWX from p+0x100 up: the image (below p) runs in S
//! only through entry 0; S lw at p+0x80 reads, S sw there faults, S sw at p+0x100 writes.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::cause::exc;
use sv39_arch::csr::pmpcfg::{R, X};
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[((p + 0x100) >> 2, TOR | R | X), ((1 << 54) - 1, TOR | RWX)]);
        bare::check::ensure_eq(10, routine(LW).run(Priv::S, p + 0x80).is_ok() as u64, 1, "S lw at p+0x80")?;
        let sw = routine(SW);
        sw.faults_at(11, Priv::S, p + 0x80, exc::STORE_ACCESS_FAULT, "S sw at p+0x80")?;
        bare::check::ensure_eq(12, sw.run(Priv::S, p + 0x100).is_ok() as u64, 1, "S sw at p+0x100")
    }
}

conformance::case!("3.7.1: TOR entry 0 starts at 0", Rule);
