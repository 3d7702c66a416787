//! 3.1.10: "The hardware performance monitor includes 29 additional 64-bit event counters,
//! mhpmcounter3-mhpmcounter31"; "All counters should be implemented, but a legal implementation is to
//! make both the counter and its corresponding event selector be read-only 0". An unimplemented counter
//! is read-only zero, not a missing CSR.
//!
//! Case: mhpmcounter3..31 read and write from M without a trap. QEMU 7.2 implements 16 counters and
//! raises illegal-instruction for mhpmcounter19..31.
#![no_std]
#![no_main]

use bare::check::set_context;
use conformance::csr::{read_ok, set};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        for n in 3..=31u16 {
            set_context(format_args!("mhpmcounter{n}"));
            read_ok(10, Priv::M, c::MHPMCOUNTER3 + n - 3, "read from M")?;
            set(11, c::MHPMCOUNTER3 + n - 3, 0, "write from M")?;
        }
        Ok(())
    }
}

conformance::case!("3.1.10: mhpmcounter3-31 exist", Rule);
