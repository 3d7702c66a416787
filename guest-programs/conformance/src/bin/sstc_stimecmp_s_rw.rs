//! Sstc: "When STCE in menvcfg is zero, an attempt to access stimecmp or vstimecmp in a mode other than
//! M-mode raises an illegal instruction exception"; "In addition, when the TM bit in the mcounteren
//! register is clear, attempts to access the stimecmp or vstimecmp register while executing in a mode
//! less privileged than M will cause an illegal instruction exception."
//!
//! Case: menvcfg.STCE = 1, mcounteren.TM = 1: S writes stimecmp and reads the value back.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{counteren, prepare_hart, read_ok, set, write};
use sv39_arch::csr::{self as c, menvcfg, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 1 << 1, 0)?;
        set(10, c::MENVCFG, menvcfg::STCE, "menvcfg")?;
        let value = 0x7fff_0000_0000;
        let r = write(Priv::S, c::STIMECMP, value);
        ensure_eq(11, r.is_ok() as u64, 1, "csrw stimecmp from S completes")?;
        let got = read_ok(12, Priv::S, c::STIMECMP, "csrr stimecmp from S")?;
        set(13, c::STIMECMP, u64::MAX, "stimecmp")?;
        ensure_eq(14, got, value, "stimecmp read back in S")
    }
}

conformance::case!("3.1.18 Sstc: STCE=1 and TM=1 give S stimecmp", Rule);
