//! 3.7.1: the PMP configuration register format shows bits 6:5 of each pmpicfg as "0 (WARL)". QEMU 7.2
//! keeps them as written.
//!
//! Case: entry 0 all RWX; pmpcfg0 written with entry 2 = 0x61 (bits 6:5 and R, A = OFF): entry 2 reads
//! back 0x01.
#![no_std]
#![no_main]

use conformance::csr::*;
use sv39_arch::csr::pmpcfg::R;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        pmp(&[(ALL, NAPOT | RWX)]);
        let entry0 = (NAPOT | RWX) as u64;
        set(10, sv39_arch::csr::PMPCFG0, entry0 | 0x61 << 16, "pmpcfg0")?;
        let got = read_ok(11, Priv::M, sv39_arch::csr::PMPCFG0, "pmpcfg0")?;
        bare::check::ensure_eq(12, got, entry0 | (R as u64) << 16, "pmpcfg0")
    }
}

conformance::case!("3.7.1: pmpcfg bits 6:5 read 0", Rule);
