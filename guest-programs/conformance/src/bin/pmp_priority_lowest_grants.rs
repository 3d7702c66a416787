//! 3.7.1: "The lowest-numbered PMP entry that matches any byte of an access determines whether that
//! access succeeds or fails"; later entries are not consulted either way.
//!
//! Case: entry 0 NAPOT R on page p, entry 1 NAPOT no access on it, entry 2 all RWX: S ld at p reads
//! (entry 1 does not deny), S sd at p faults (entry 2 does not allow).
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::pmpcfg::R;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[(napot(p, 4096), NAPOT | R), (napot(p, 4096), NAPOT), (ALL, NAPOT | RWX)]);
        let r = bare::access::Access::Load.run(Priv::S, p + 8);
        bare::check::ensure_eq(10, r.is_ok() as u64, 1, "S ld on page p completes")?;
        bare::check::expect_access_fault(11, Priv::S, bare::access::Access::Store, p + 8, "S sd on page p")
    }
}

conformance::case!("3.7.1: lowest-numbered match decides", Rule);
