//! 3.7.1: "If the L bit is clear and the privilege mode of the access is M, the access succeeds" (for
//! an entry that matches).
//!
//! Case: entry 0 NAPOT no access on page p (unlocked), entry 1 all RWX: M ld and sd at p complete; S ld
//! at p faults (the entry is in force).
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[(napot(p, 4096), NAPOT), (ALL, NAPOT | RWX)]);
        use bare::access::Access::{Load, Store};
        bare::check::ensure_eq(10, Load.run(Priv::M, p + 8).is_ok() as u64, 1, "M ld on the no-access page")?;
        bare::check::ensure_eq(11, Store.run(Priv::M, p + 8).is_ok() as u64, 1, "M sd on the no-access page")?;
        bare::check::expect_access_fault(12, Priv::S, Load, p + 8, "S ld on the no-access page")
    }
}

conformance::case!("3.7.1: unlocked entry does not bind M", Rule);
