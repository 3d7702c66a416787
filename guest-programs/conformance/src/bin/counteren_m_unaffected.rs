//! 3.1.11: the counter-enable registers gate "S-mode or U-mode" reads only; M-mode reads the
//! unprivileged counters whatever mcounteren and scounteren hold.
//!
//! Case: mcounteren = scounteren = 0: M reads cycle, time, instret and hpmcounter3.
#![no_std]
#![no_main]

use conformance::csr::{counteren, read_ok};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        counteren(10, 0, 0)?;
        read_ok(11, Priv::M, c::CYCLE, "cycle")?;
        read_ok(12, Priv::M, c::TIME, "time")?;
        read_ok(13, Priv::M, c::INSTRET, "instret")?;
        read_ok(14, Priv::M, c::HPMCOUNTER3, "hpmcounter3").map(|_| ())
    }
}

conformance::case!("3.1.11: M ignores mcounteren", Rule);
