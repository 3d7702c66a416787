//! 2.2 (CSR listing: 0xC03-0xC1F hpmcounter3-hpmcounter31, URO) and 3.1.10: the user views of all 29
//! counters exist; an unimplemented counter reads 0.
//!
//! Case: hpmcounter3..31 read from M without a trap. QEMU 7.2 raises illegal-instruction for
//! hpmcounter19..31.
#![no_std]
#![no_main]

use bare::check::set_context;
use conformance::csr::read_ok;
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        for n in 3..=31u16 {
            set_context(format_args!("hpmcounter{n}"));
            read_ok(10, Priv::M, c::HPMCOUNTER3 + n - 3, "read from M")?;
        }
        Ok(())
    }
}

conformance::case!("3.1.10: hpmcounter3-31 exist", Rule);
