//! 3.1.18/4.1.10 with the CMO extensions: "When the Zicbom extension is not implemented, CBIE is
//! read-only zero"; "When the Zicbom extension is not implemented, CBCFE is read-only zero"; "When the
//! Zicboz extension is not implemented, CBZE is read-only zero". Neither QEMU 7.2's virt CPU nor sv39
//! implements them (cbo.* are illegal instructions, checked first); QEMU 7.2 keeps the fields as written.
//!
//! Case: menvcfg written with CBIE | CBCFE | CBZE reads back 0.
#![no_std]
#![no_main]

use bare::paging::alloc_page;
use conformance::csr::{routine, write_reads_back};
use sv39_arch::csr::{self as c, menvcfg, Priv};

struct Rule;

impl conformance::Scenario for Rule {
    fn run(&self) -> bare::check::Outcome {
        let buf = alloc_page();
        for imm in [0u32, 1, 2, 4] {
            // cbo.inval, cbo.clean, cbo.flush, cbo.zero on a0: the extensions are absent.
            routine(imm << 20 | 10 << 15 | 2 << 12 | 0x0f).illegal_in(10, Priv::M, buf, "cbo.* in M")?;
        }
        let cbo = menvcfg::CBIE | menvcfg::CBCFE | menvcfg::CBZE;
        write_reads_back(11, c::MENVCFG, cbo, &[0], "menvcfg after writing CBIE | CBCFE | CBZE")
    }
}

conformance::case!("3.1.18: menvcfg CBIE/CBCFE/CBZE without Zicbom/Zicboz", Rule);
