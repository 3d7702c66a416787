//! 3.1.17: "mconfigptr is an MXLEN-bit read-only CSR" that "holds the physical address of a
//! configuration data structure"; "If no such structure exists, mconfigptr returns zero" (the virt
//! board has none). Writing it: 2.1, read-only CSRs (csr[11:10] = 11) raise illegal instruction.
//!
//! Case: mconfigptr reads 0 in M; csrw mconfigptr is an illegal instruction.
#![no_std]
#![no_main]

use bare::check::ensure_eq;
use conformance::csr::{read_ok, write_illegal};
use sv39_arch::csr::{self as c, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let v = read_ok(10, Priv::M, c::MCONFIGPTR, "mconfigptr")?;
        ensure_eq(11, v, 0, "mconfigptr")?;
        write_illegal(12, Priv::M, c::MCONFIGPTR, "csrw mconfigptr")
    }
}

conformance::case!("3.1.17: mconfigptr read-only, 0 here", Rule);
