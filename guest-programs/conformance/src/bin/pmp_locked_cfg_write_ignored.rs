//! 3.7.1: "The L bit indicates that the PMP entry is locked, i.e., writes to the configuration register
//! and associated address registers are ignored." The other entries' bytes of the same pmpcfg CSR are
//! written.
//!
//! Case: entry 0 NAPOT L R on page p, entry 1 all RWX; pmpcfg0 written with entry 0 = NAPOT RWX and
//! entry 2 = R: entry 0 reads back L NAPOT R, entry 2 reads R; M sd at p still faults.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::pmpcfg::{L, R};
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[(napot(p, 4096), L | NAPOT | R), (ALL, NAPOT | RWX)]);
        let entry1 = ((NAPOT | RWX) as u64) << 8;
        set(10, sv39_arch::csr::PMPCFG0, (NAPOT | RWX) as u64 | entry1 | (R as u64) << 16, "pmpcfg0")?;
        let got = read_ok(11, Priv::M, sv39_arch::csr::PMPCFG0, "pmpcfg0")?;
        bare::paging::sfence_vma_all();
        bare::check::ensure_eq(12, got, (L | NAPOT | R) as u64 | entry1 | (R as u64) << 16, "pmpcfg0")?;
        bare::check::expect_access_fault(13, Priv::M, bare::access::Access::Store, p + 8, "M sd on the locked R page")
    }
}

conformance::case!("3.7.1: locked pmpcfg ignores writes", Rule);
