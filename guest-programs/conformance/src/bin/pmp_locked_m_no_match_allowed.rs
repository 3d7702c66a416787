//! 3.7.1: "If no PMP entry matches an M-mode access, the access succeeds"; locking an entry binds M only
//! where the entry matches.
//!
//! Case: entry 0 NAPOT L with no access on page p, nothing else: M ld and sd at the next page complete;
//! M ld at p faults.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::pmpcfg::L;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        let q = alloc_page();
        pmp(&[(napot(p, 4096), L | NAPOT)]);
        use bare::access::Access::{Load, Store};
        bare::check::ensure_eq(10, Load.run(Priv::M, q + 8).is_ok() as u64, 1, "M ld at the next page")?;
        bare::check::ensure_eq(11, Store.run(Priv::M, q + 8).is_ok() as u64, 1, "M sd at the next page")?;
        bare::check::expect_access_fault(12, Priv::M, Load, p + 8, "M ld on the locked page")
    }
}

conformance::case!("3.7.1: M access with no matching entry", Rule);
