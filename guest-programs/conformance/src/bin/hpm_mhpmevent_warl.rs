//! 3.1.10: "The event selector CSRs, mhpmevent3-mhpmevent31, are 64-bit WARL registers"; "a legal
//! implementation is to make both the counter and its corresponding event selector be read-only 0".
//!
//! Case: each of mhpmevent3..31 is there in M; all ones reads back as all ones (QEMU 7.2 keeps what is
//! written) or 0 (sv39: read-only zero), and 0 reads back as 0.
#![no_std]
#![no_main]

use bare::check::set_context;
use conformance::csr::write_reads_back;
use sv39_arch::csr as c;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        for n in 3..=31u16 {
            set_context(format_args!("mhpmevent{n}"));
            write_reads_back(10, c::MHPMEVENT3 + n - 3, u64::MAX, &[0, u64::MAX], "after writing all ones")?;
            write_reads_back(11, c::MHPMEVENT3 + n - 3, 0, &[0], "after writing 0")?;
        }
        Ok(())
    }
}

conformance::case!("3.1.10: mhpmevent3-31 WARL", Rule);
