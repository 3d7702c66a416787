//! 3.1.12: "When the CY, IR, or HPMn bit in the mcountinhibit register is set, the corresponding counter
//! does not increment. The mcycle CSR and minstret CSR are not affected by mcountinhibit writes" -
//! an inhibited counter keeps its value, and stays writable (3.1.10).
//!
//! Case: mcountinhibit.CY = 1, mcycle = 0x100000: mcycle reads 0x100000 at once and after 1000 more
//! instructions.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, set, spin};
use sv39_arch::csr::{self as c, mcountinhibit, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        set(10, c::MCOUNTINHIBIT, mcountinhibit::CY, "mcountinhibit")?;
        set(11, c::MCYCLE, 0x10_0000, "mcycle")?;
        let first = read_ok(12, Priv::M, c::MCYCLE, "mcycle")?;
        spin(1000);
        let later = read_ok(12, Priv::M, c::MCYCLE, "mcycle")?;
        set(10, c::MCOUNTINHIBIT, 0, "mcountinhibit")?;
        ensure_eq(13, first, 0x10_0000, "mcycle right after the write")?;
        ensure_eq(14, later, 0x10_0000, "mcycle 1000 instructions later")
    }
}

conformance::case!("3.1.12: mcountinhibit.CY holds mcycle", Rule);
