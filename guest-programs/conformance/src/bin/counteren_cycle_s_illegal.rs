//! 3.1.11: "When the CY, TM, IR, or HPMn bit in the mcounteren register is clear, attempts to read
//! the cycle, time, instret, or hpmcountern register while executing in S-mode or U-mode will cause an
//! illegal instruction exception. When one of these bits is set, access to the corresponding register
//! is permitted in the next implemented privilege mode (S-mode if implemented, otherwise U-mode)."
//!
//! Case: mcounteren = all but CY: S reads cycle: illegal instruction.
#![no_std]
#![no_main]

use conformance::csr::{counteren, prepare_hart, read_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 0xffff_fffe, 0xffff_ffff)?;
        read_illegal(11, Priv::S, c::CYCLE, "cycle from S")
    }
}

conformance::case!("3.1.11: mcounteren.CY gates S", Rule);
