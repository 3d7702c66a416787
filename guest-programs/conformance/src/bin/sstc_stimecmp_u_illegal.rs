//! 2.1: stimecmp (0x14D) is a supervisor CSR; Sstc gives U no access to it.
//!
//! Case: menvcfg.STCE = 1, mcounteren = scounteren = all: U reads stimecmp: illegal instruction.
#![no_std]
#![no_main]

use conformance::csr::{counteren, prepare_hart, read_illegal, set};
use sv39_arch::csr::{self as c, menvcfg, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        prepare_hart();
        counteren(10, 0xffff_ffff, 0xffff_ffff)?;
        set(10, c::MENVCFG, menvcfg::STCE, "menvcfg")?;
        read_illegal(11, Priv::U, c::STIMECMP, "csrr stimecmp from U")
    }
}

conformance::case!("2.1/Sstc: stimecmp is S-level", Rule);
