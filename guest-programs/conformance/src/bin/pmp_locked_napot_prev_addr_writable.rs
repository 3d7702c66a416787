//! 3.7.1: only a locked TOR entry freezes the previous address register ("if PMP entry i is locked and
//! pmpicfg.A is set to TOR, writes to pmpaddri-1 are ignored"); below a locked NAPOT entry it stays
//! writable.
//!
//! Case: entry 0 OFF, entry 1 NAPOT L R on page p+0x1000, entry 2 all RWX: pmpaddr0 written with
//! 0x1234 reads back 0x1234.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::csr::pmpcfg::{L, R};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        pmp(&[(p >> 2, 0), (napot(p + 0x1000, 4096), L | NAPOT | R), (ALL, NAPOT | RWX)]);
        write_reads_back(10, sv39_arch::csr::PMPADDR0, 0x1234, &[0x1234], "pmpaddr0")
    }
}

conformance::case!("3.7.1: locked NAPOT entry leaves the previous pmpaddr writable", Rule);
