//! Sstc: "When STCE in menvcfg is zero, an attempt to access stimecmp or vstimecmp in a mode other than
//! M-mode raises an illegal instruction exception"; "In addition, when the TM bit in the mcounteren
//! register is clear, attempts to access the stimecmp or vstimecmp register while executing in a mode
//! less privileged than M will cause an illegal instruction exception."
//!
//! Case: menvcfg.STCE = 0, mcounteren.TM = 1: S reads and writes stimecmp: illegal instruction.
#![no_std]
#![no_main]

use conformance::csr::{counteren, prepare_hart, read_illegal, set, write_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 0xffff_ffff, 0xffff_ffff)?;
        set(10, c::MENVCFG, 0, "menvcfg")?;
        read_illegal(11, Priv::S, c::STIMECMP, "csrr stimecmp from S")?;
        write_illegal(12, Priv::S, c::STIMECMP, "csrw stimecmp from S")
    }
}

conformance::case!("3.1.18 Sstc: STCE=0 hides stimecmp from S", Rule);
