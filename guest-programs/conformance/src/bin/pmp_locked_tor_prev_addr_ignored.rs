//! 3.7.1: "If PMP entry i is locked, writes to pmpicfg and pmpaddri are ignored. Additionally, if PMP
//! entry i is locked and pmpicfg.A is set to TOR, writes to pmpaddri-1 are ignored."
//!
//! Case: entry 0 OFF with pmpaddr0 = p, entry 1 TOR L R up to p+0x1000, entry 2 all RWX; pmpaddr0
//! written with p+0x800: it reads back p, and M sd at p still faults.
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
        pmp(&[(p >> 2, 0), ((p + 0x1000) >> 2, L | TOR | R), (ALL, NAPOT | RWX)]);
        set(10, sv39_arch::csr::PMPADDR0, (p + 0x800) >> 2, "pmpaddr0")?;
        let got = read_ok(11, Priv::M, sv39_arch::csr::PMPADDR0, "pmpaddr0")?;
        bare::paging::sfence_vma_all();
        bare::check::ensure_eq(12, got, p >> 2, "pmpaddr0")?;
        bare::check::expect_access_fault(
            13,
            Priv::M,
            bare::access::Access::Store,
            p + 8,
            "M sd at the locked TOR bottom",
        )
    }
}

conformance::case!("3.7.1: locked TOR entry freezes the previous pmpaddr", Rule);
