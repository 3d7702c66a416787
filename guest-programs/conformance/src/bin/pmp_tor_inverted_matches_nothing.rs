//! 3.7.1: "If pmpaddr(i-1) >= pmpaddr(i) and pmpcfg(i).A=TOR, then PMP entry i matches no addresses."
//!
//! Case: entry 0 OFF with pmpaddr0 = p+0x200, entry 1 TOR no access up to p+0x100, entry 2 all RWX: S ld
//! at p+0x180 and at p+0x80 complete (entry 2 decides).
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[((p + 0x200) >> 2, 0), ((p + 0x100) >> 2, TOR), (ALL, NAPOT | RWX)]);
        use bare::access::Access::Load;
        bare::check::ensure_eq(10, Load.run(Priv::S, p + 0x180).is_ok() as u64, 1, "S ld at p+0x180")?;
        bare::check::ensure_eq(11, Load.run(Priv::S, p + 0x80).is_ok() as u64, 1, "S ld at p+0x80")
    }
}

conformance::case!("3.7.1: inverted TOR matches nothing", Rule);
