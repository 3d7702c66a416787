//! Sstc: "A supervisor timer interrupt becomes pending, as reflected in the STIP bit in the mip and sip
//! registers whenever time contains a value greater than or equal to stimecmp"; with STCE = 1 "STIP is
//! read-only in mip" (it reflects the comparison); with STCE = 0 it is writable by M as in 3.1.9.
//!
//! Case: STCE = 1: stimecmp = 0 sets mip.STIP; stimecmp = all ones clears it (interrupts stay disabled).
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, set};
use sv39_arch::csr::{self as c, menvcfg, mip, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MIE, 0, "mie")?;
        set(10, c::MENVCFG, menvcfg::STCE, "menvcfg")?;
        set(10, c::STIMECMP, 0, "stimecmp")?;
        let pending = read_ok(11, Priv::M, c::MIP, "mip")?;
        set(10, c::STIMECMP, u64::MAX, "stimecmp")?;
        let idle = read_ok(11, Priv::M, c::MIP, "mip")?;
        ensure_eq(12, pending & mip::STIP, mip::STIP, "mip.STIP with stimecmp = 0")?;
        ensure_eq(13, idle & mip::STIP, 0, "mip.STIP with stimecmp = all ones")
    }
}

conformance::case!("3.1.9 Sstc: STIP follows stimecmp", Rule);
