//! Unprivileged spec 10.2 (Zihpm): hpmcounter3-hpmcounter31 are read-only shadows of
//! mhpmcounter3-mhpmcounter31 (privileged 3.1.10).
//!
//! Case: after mhpmcounter3 is written with 0x12345678 (mhpmevent3 = 0), hpmcounter3 read in M gives what
//! mhpmcounter3 gives.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, set};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MHPMEVENT3, 0, "mhpmevent3 = 0")?;
        set(10, c::MHPMCOUNTER3, 0x1234_5678, "mhpmcounter3")?;
        let m = read_ok(11, Priv::M, c::MHPMCOUNTER3, "mhpmcounter3")?;
        let u = read_ok(12, Priv::M, c::HPMCOUNTER3, "hpmcounter3")?;
        ensure_eq(13, u, m, "hpmcounter3 against mhpmcounter3")
    }
}

conformance::case!("3.1.10: hpmcounter3 shadows mhpmcounter3", Rule);
