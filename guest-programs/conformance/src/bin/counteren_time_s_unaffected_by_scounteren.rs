//! 4.1.5: "When the CY, TM, IR, or HPMn bit in the scounteren register is clear, attempts to read the
//! cycle, time, instret, or hpmcountern register while executing in U-mode will cause an illegal
//! instruction exception. When one of these bits is set, access to the corresponding register is
//! permitted."
//!
//! Case: mcounteren = all, scounteren = 0: S still reads time (scounteren gates U only).
#![no_std]
#![no_main]

use conformance::csr::{counteren, prepare_hart, read_ok};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 0xffff_ffff, 0)?;
        read_ok(11, Priv::S, c::TIME, "time from S").map(|_| ())
    }
}

conformance::case!("4.1.5: scounteren does not gate S", Rule);
