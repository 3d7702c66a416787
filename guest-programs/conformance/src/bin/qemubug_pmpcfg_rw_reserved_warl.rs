//! 3.7.1: "The R, W, and X fields form a collective WARL field for which the combinations with R=0 and
//! W=1 are reserved": a write of such a combination must read back as some legal one. QEMU 7.2 keeps
//! it.
//!
//! Case: entry 0 all RWX; entry 2 written with W and with W X (A = OFF): neither reads back with R = 0
//! and W = 1.
#![no_std]
#![no_main]

use conformance::csr::*;
use sv39_arch::csr::pmpcfg::{R, W, X};
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        pmp(&[(ALL, NAPOT | RWX)]);
        let entry0 = (NAPOT | RWX) as u64;
        for (n, rwx) in [(10, W), (12, W | X)] {
            set(n, sv39_arch::csr::PMPCFG0, entry0 | (rwx as u64) << 16, "pmpcfg0")?;
            let got = read_ok(n, Priv::M, sv39_arch::csr::PMPCFG0, "pmpcfg0")?;
            let rw = (got >> 16) as u8 & (R | W);
            bare::check::ensure(n + 1, rw != W, "entry 2 has no R=0 W=1 after the write")?;
        }
        Ok(())
    }
}

conformance::case!("3.7.1: pmpcfg R=0 W=1 is not kept", Rule);
