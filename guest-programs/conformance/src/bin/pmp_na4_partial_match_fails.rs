//! 3.7.1: "The matching PMP entry must match all bytes of an access, or the access fails, irrespective
//! of the L, R, W, and X bits"; the lowest-numbered entry that matches any byte decides.
//!
//! Case: entry 0 NA4 RWX on word p+0x100, entry 1 all RWX: S lw of the word reads; S ld (8 bytes) at
//! p+0x100 faults although entry 1 would allow it.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[((p + 0x100) >> 2, NA4 | RWX), (ALL, NAPOT | RWX)]);
        let got = routine(LW).run(Priv::S, p + 0x100);
        bare::check::ensure_eq(10, got.is_ok() as u64, 1, "S lw of the NA4 word completes")?;
        bare::check::expect_access_fault(11, Priv::S, bare::access::Access::Load, p + 0x100, "S ld over the NA4 word")
    }
}

conformance::case!("3.7.1: partial match fails", Rule);
