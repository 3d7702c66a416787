//! 2.1: "The top two bits (csr[11:10]) indicate whether the register is read/write (00, 01, or 10) or
//! read-only (11)"; "Attempts to access a CSR without appropriate privilege level or to write a
//! read-only register also raise illegal instruction exceptions".
//!
//! Case: csrw hpmcounter3 (0xC03) from M: illegal instruction, mtval 0 or the instruction.
#![no_std]
#![no_main]

use conformance::csr::write_illegal;
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        write_illegal(10, Priv::M, c::HPMCOUNTER3, "csrw hpmcounter3 from M")
    }
}

conformance::case!("2.1: hpmcounter3 is read-only", Rule);
