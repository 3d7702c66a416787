//! 3.7.1: "Software may determine the PMP granularity by writing zero to pmp0cfg, then writing all ones
//! to pmpaddr0, then reading back pmpaddr0. If G is the index of the least-significant bit set, the PMP
//! granularity is 2^(G+2) bytes"; "If G >= 1, the NA4 mode is not selectable". Both machines have G = 0.
//!
//! Case: pmp0cfg = 0, pmpaddr0 = all ones: bit 0 reads 1; pmp0cfg = NA4 reads back NA4.
#![no_std]
#![no_main]

use conformance::csr::*;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        pmp(&[]);
        set(10, sv39_arch::csr::PMPADDR0, u64::MAX, "pmpaddr0")?;
        let addr = read_ok(11, Priv::M, sv39_arch::csr::PMPADDR0, "pmpaddr0")?;
        bare::check::ensure_eq(12, addr & 1, 1, "pmpaddr0 bit 0 (G = 0)")?;
        write_reads_back(13, sv39_arch::csr::PMPCFG0, NA4 as u64, &[NA4 as u64], "pmpcfg0 after writing NA4")?;
        set(14, sv39_arch::csr::PMPCFG0, 0, "pmpcfg0")
    }
}

conformance::case!("3.7.1: PMP grain is 4 bytes", Rule);
