//! 3.7.1: "When the L bit is set, these permissions are enforced for all privilege modes."
//!
//! Case: entry 0 NAPOT L R on page p (code planted there first), entry 1 all RWX: M ld at p reads, M sd
//! at p faults, an M jump to p faults (instruction access fault, mtval = mepc = p).
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::cause::exc;
use sv39_arch::csr::pmpcfg::{L, R};
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        plant_code(p, 0);
        pmp(&[(napot(p, 4096), L | NAPOT | R), (ALL, NAPOT | RWX)]);
        let r = bare::access::Access::Load.run(Priv::M, p + 8);
        bare::check::ensure_eq(10, r.is_ok() as u64, 1, "M ld on the locked R page completes")?;
        bare::check::expect_access_fault(11, Priv::M, bare::access::Access::Store, p + 8, "M sd on the locked R page")?;
        bare::check::expect_trap(
            12,
            bare::trap::run_in(Priv::M, bare::access::code_at(p), 0),
            exc::INSTRUCTION_ACCESS_FAULT,
            p,
            p,
            "M jump to the locked R page",
        )
    }
}

conformance::case!("3.7.1: locked entry binds M", Rule);
