//! Sstc: "A supervisor timer interrupt becomes pending, as reflected in the STIP bit in the mip and sip
//! registers whenever time contains a value greater than or equal to stimecmp"; with STCE = 1 "STIP is
//! read-only in mip" (it reflects the comparison); with STCE = 0 it is writable by M as in 3.1.9.
//!
//! Case: STCE = 0: M writes mip.STIP = 1 and reads 1, writes 0 and reads 0.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, set};
use sv39_arch::csr::{self as c, mip, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MIE, 0, "mie")?;
        set(10, c::MENVCFG, 0, "menvcfg")?;
        set(10, c::MIP, mip::STIP, "mip")?;
        let set_ = read_ok(11, Priv::M, c::MIP, "mip")?;
        set(10, c::MIP, 0, "mip")?;
        let clear = read_ok(11, Priv::M, c::MIP, "mip")?;
        ensure_eq(12, set_ & mip::STIP, mip::STIP, "mip.STIP after writing 1")?;
        ensure_eq(13, clear & mip::STIP, 0, "mip.STIP after writing 0")
    }
}

conformance::case!("3.1.9 Sstc: STIP writable with STCE=0", Rule);
