//! 3.1.11: "When the CY, TM, IR, or HPMn bit in the mcounteren register is clear, attempts to read
//! the cycle, time, instret, or hpmcountern register while executing in S-mode or U-mode will cause an
//! illegal instruction exception. When one of these bits is set, access to the corresponding register
//! is permitted in the next implemented privilege mode (S-mode if implemented, otherwise U-mode)."
//!
//! Case: mcounteren = all but HPM3, scounteren = all: U reads hpmcounter3: illegal instruction
//! (S-mode is implemented, so mcounteren alone does not let U in, and scounteren cannot).
#![no_std]
#![no_main]

use conformance::csr::{counteren, prepare_hart, read_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 0xffff_fff7, 0xffff_ffff)?;
        read_illegal(11, Priv::U, c::HPMCOUNTER3, "hpmcounter3 from U")
    }
}

conformance::case!("3.1.11: mcounteren.HPM3 gates U", Rule);
