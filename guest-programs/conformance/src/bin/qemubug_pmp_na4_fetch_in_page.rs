//! 3.7.1: "Attempting to fetch an instruction from a PMP region that does not have execute permissions
//! raises an instruction access-fault exception"; PMP applies to every fetch, also of a region smaller
//! than a page. QEMU 7.2 checks PMP once per translated block and runs through the word.
//!
//! Case: page p holds 4 nops then li a0, 42; ret. S runs it once with all RWX; then entry 0 NA4 R (no
//! X) on word p+0x10, entry 1 all RWX, sfence.vma: S runs it again from p and faults at p+0x10
//! (instruction access fault, mtval = mepc = p+0x10).
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::*;
use sv39_arch::cause::exc;
use sv39_arch::csr::pmpcfg::R;
use sv39_arch::csr::Priv;

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let p = alloc_page();
        plant_code(p, 4);
        let f = bare::access::code_at(p);
        pmp(&[(ALL, NAPOT | RWX)]);
        bare::check::ensure_eq(10, bare::trap::run_in(Priv::S, f, 0).unwrap_or(0), 42, "S runs the page")?;
        pmp(&[((p + 0x10) >> 2, NA4 | R), (ALL, NAPOT | RWX)]);
        let r = bare::trap::run_in(Priv::S, f, 0);
        bare::check::expect_trap(11, r, exc::INSTRUCTION_ACCESS_FAULT, p + 0x10, p + 0x10, "S runs into the NA4 word")
    }
}

conformance::case!("3.7.1: NA4 no-execute word inside a code page", Rule);
