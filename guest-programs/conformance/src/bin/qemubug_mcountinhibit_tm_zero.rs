//! 3.1.12: "The counter-inhibit register mcountinhibit is a 32-bit WARL register that controls which of
//! the hardware performance-monitoring counters increment"; its format figure shows bit 1 as 0: "there
//! is no bit for the time counter", which M-mode cannot stop. QEMU 7.2 keeps bit 1 as written.
//!
//! Case: mcountinhibit written with all ones reads back with bit 1 clear.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, set};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MCOUNTINHIBIT, u64::MAX, "mcountinhibit")?;
        let v = read_ok(11, Priv::M, c::MCOUNTINHIBIT, "mcountinhibit")?;
        set(12, c::MCOUNTINHIBIT, 0, "mcountinhibit")?;
        ensure_eq(13, v & 2, 0, "mcountinhibit bit 1 after writing all ones")
    }
}

conformance::case!("3.1.12: mcountinhibit bit 1 is 0", Rule);
