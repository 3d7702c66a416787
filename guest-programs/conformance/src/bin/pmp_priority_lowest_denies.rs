//! 3.7.1: "PMP entries are statically prioritized. The lowest-numbered PMP entry that matches any byte
//! of an access determines whether that access succeeds or fails."
//!
//! Case: entry 0 NAPOT no access on page p, entry 1 NAPOT RWX on the same page, entry 2 all RWX: S ld
//! at p faults.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[(napot(p, 4096), NAPOT), (napot(p, 4096), NAPOT | RWX), (ALL, NAPOT | RWX)]);
        bare::check::expect_access_fault(10, Priv::S, bare::access::Access::Load, p + 8, "S ld on page p")
    }
}

conformance::case!("3.7.1: lowest-numbered match denies", Rule);
