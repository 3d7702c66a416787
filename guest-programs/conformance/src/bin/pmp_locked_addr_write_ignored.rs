//! 3.7.1: "The L bit indicates that the PMP entry is locked, i.e., writes to the configuration register
//! and associated address registers are ignored."
//!
//! Case: entry 0 NAPOT L R on page p, entry 1 all RWX; pmpaddr0 written with the next page's NAPOT
//! address: it reads back page p's, and M sd at p still faults.
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
        set(10, sv39_arch::csr::PMPADDR0, napot(p + 4096, 4096), "pmpaddr0")?;
        let got = read_ok(11, Priv::M, sv39_arch::csr::PMPADDR0, "pmpaddr0")?;
        bare::paging::sfence_vma_all();
        bare::check::ensure_eq(12, got, napot(p, 4096), "pmpaddr0")?;
        bare::check::expect_access_fault(13, Priv::M, bare::access::Access::Store, p + 8, "M sd on the locked R page")
    }
}

conformance::case!("3.7.1: locked pmpaddr ignores writes", Rule);
