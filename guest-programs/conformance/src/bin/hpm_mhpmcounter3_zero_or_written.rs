//! 3.1.10: mhpmcounter3 is a 64-bit read/write counter, or read-only 0 ("a legal implementation is to
//! make both the counter and its corresponding event selector be read-only 0").
//!
//! Case: with mhpmevent3 = 0 (no event counted), mhpmcounter3 written with 0x12345678 reads back that
//! value (QEMU 7.2) or 0 (sv39), nothing else.
#![no_std]
#![no_main]

use conformance::csr::{set, write_reads_back};
use sv39_arch::csr as c;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MHPMEVENT3, 0, "mhpmevent3 = 0")?;
        write_reads_back(11, c::MHPMCOUNTER3, 0x1234_5678, &[0, 0x1234_5678], "mhpmcounter3 after writing 0x12345678")
    }
}

conformance::case!("3.1.10: mhpmcounter3 read-only 0 or read/write", Rule);
