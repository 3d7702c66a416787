//! The MMU conformance suite: one bare-metal ELF per case (`src/bin/*.rs`),
//! each checking one rule of Sv39 translation and protection (privileged spec
//! 1.12, chapter 4, with 3.1.6.3 MPRV/SUM/MXR, 3.1.6.5 TVM and 3.7 PMP), and
//! the CSR and PMP rules firmware relies on (`csr`: counters and their
//! enables, `mconfigptr`, `menvcfg`/`senvcfg`, Sstc, PMP matching and locking).
//!
//! A case is data: the spec rule it checks and a [`Scenario`], usually a
//! [`Case`] (who accesses, how the address is mapped, what access, what the
//! spec says happens). `case!("4.3.2 step 3: V=0", Case::s(Load)...)` makes
//! the bin's `main`, and stores the rule in the ELF's non-loaded section
//! `.conformance.rule` so hosts can list it without running the case.
//!
//! Running a case: it starts at reset in M-mode (`bare`), builds its own page
//! table, does the access in S or U mode (or M-mode with MPRV) through
//! `bare::trap::run`, and checks what happened. Traps go to M (`medeleg` = 0,
//! so `mcause`/`mtval`/`mepc` hold what the spec defines for `scause`/`stval`/
//! `sepc`) unless the case delegates them to S. The exit status (through
//! `tohost` and the SiFive test finisher) is 0 or the number of the first
//! failed check, after a line `check N failed: <what>: expected X, got Y`.
//!
//! Check numbers of a [`Case`] (see `expect`): 1 trapped or not, 2 cause,
//! 3 tval, 4 epc, 5 handler, 6 value returned, 7 memory, 8 leaf PTEs,
//! 9 pointer PTEs, 10 the access that first caches the translation
//! ([`Case::cached`]). Other scenarios number theirs from 10.
//!
//! Names: `adfault_*` cases expect page faults for A/D (run with
//! `--ad=fault`); `adhw_*` expect hardware A/D updates (`--ad=update`, QEMU);
//! `qemubug_*` check a rule QEMU 7.2 breaks (the case quotes the spec). Every
//! other case passes under both A/D schemes: its leaves have A and D preset,
//! or it allows what either scheme does. (`qemubug_adhw_*`: both apply.)
#![no_std]

mod case;
pub mod csr;
mod expect;
mod matrix;
mod satp;
mod sfence;
mod space;

pub use case::{Case, Map, Pmp};
pub use expect::{Cause, Effect, Tval};
pub use matrix::Matrix;
pub use satp::{AsidWarl, Insn, Privileged, SatpSwitch, SatpWrite};
pub use sfence::{AsidSwitch, Change, Fence, FenceNoTrap, Remap, StatusSwitch};

/// A runnable case.
pub trait Scenario {
    /// Runs the case; `Err(n)` is the failed check (already printed).
    fn run(&self) -> bare::check::Outcome;
}

/// Everything a case's source needs.
pub mod prelude {
    pub use crate::expect::{Cause::*, Effect::*, Tval::*};
    pub use crate::expect::{ACCESS_FAULT, DONE, PAGE_FAULT};
    pub use crate::*;
    pub use bare::access::Access::*;
    pub use sv39_arch::csr::mstatus::{MXR, SUM};
    pub use sv39_arch::csr::pmpcfg::{R as PMP_R, W as PMP_W, X as PMP_X};
    pub use sv39_arch::csr::Priv;
    pub use sv39_arch::pte::{PTE_A as A, PTE_D as D, PTE_G as G, PTE_R as R, PTE_RSW as RSW};
    pub use sv39_arch::pte::{PTE_U as U, PTE_V as V, PTE_W as W, PTE_X as X};
}

/// Runs case `name` (checking `rule`) and returns the exit status.
pub fn run(name: &str, rule: &str, scenario: &impl Scenario) -> u32 {
    bare::println!("{name}: {rule}");
    bare::check::finish(name, scenario.run())
}

/// `case!("section: rule", scenario)`: the case's `main`, and its rule in the
/// ELF section `.conformance.rule` (no quotes or backslashes in the rule).
#[macro_export]
macro_rules! case {
    ($rule:literal, $scenario:expr) => {
        core::arch::global_asm!(
            ".pushsection .conformance.rule, \"\", @progbits",
            concat!(".ascii \"", $rule, "\""),
            ".popsection",
        );

        #[no_mangle]
        extern "C" fn main() -> u32 {
            use $crate::prelude::*;
            $crate::run(env!("CARGO_BIN_NAME"), $rule, &$scenario)
        }
    };
}
