//! 3.7.1: NAPOT encoding "yyyy...yyy0: NAPOT, 8-byte NAPOT range": a pmpaddr whose bit 0 is 0 covers
//! the 8 bytes at its address.
//!
//! Case: entry 0 NAPOT R with pmpaddr0 = (p+0x100) >> 2, entry 1 NAPOT no access on page p, entry 2 all
//! RWX: S ld at p+0x100 reads; S ld at p+0x108 and S lw at p+0xfc fault.
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
        pmp(&[((p + 0x100) >> 2, NAPOT | R), (napot(p, 4096), NAPOT), (ALL, NAPOT | RWX)]);
        use bare::access::Access::Load;
        bare::check::ensure_eq(10, Load.run(Priv::S, p + 0x100).is_ok() as u64, 1, "S ld at p+0x100")?;
        bare::check::expect_access_fault(11, Priv::S, Load, p + 0x108, "S ld at p+0x108")?;
        routine(LW).faults_at(12, Priv::S, p + 0xfc, exc::LOAD_ACCESS_FAULT, "S lw at p+0xfc")
    }
}

conformance::case!("3.7.1: 8-byte NAPOT region", Rule);
