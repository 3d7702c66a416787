//! `sv39 conformance`: the MMU conformance suite of guest-programs/conformance,
//! embedded in the binary (build.rs lists the case ELFs).
//!
//! `sv39 conformance [--ad update|fault] [--filter PATTERN] [--qemu] [--jobs N]`
//! runs every case that applies to the A/D scheme on sv39, in parallel, one
//! `Machine` per case, and prints a table (case, rule, result, the first
//! failed check); `--qemu` runs each ELF on `qemu-system-riscv64` too and
//! marks where the two disagree. Exit status 0 when every case passed on
//! sv39 and every disagreement with QEMU is one a case's name announces
//! (`qemubug_*`, `adfault_*`), 1 otherwise, 2 for a tool error.
//! `sv39 conformance --export DIR` writes the ELFs and a README instead.
//!
//! Files: `cases` (the embedded cases and their names' meaning), `run`
//! (sv39 runs, the thread pool, verdicts), `qemu`, `report` (the table),
//! `export`.

pub mod cases;
pub mod export;
pub mod qemu;
pub mod report;
pub mod run;

use crate::mmu::walk::AdPolicy;
use report::{Row, Suite};
use run::Engine;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The options of `sv39 conformance`.
#[derive(clap::Args, Debug, Clone)]
pub struct ConformanceArgs {
    /// A/D bit policy of the machine the cases run on (cases named adhw_ need
    /// `update`, adfault_ `fault`; the others run under both).
    #[arg(long, value_enum, default_value_t = AdPolicy::Update)]
    pub ad: AdPolicy,
    /// Run only the cases whose name contains PATTERN (a glob with `*`).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Also run every case on qemu-system-riscv64 and show where it differs.
    #[arg(long)]
    pub qemu: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// The engine the cases run on under sv39.
    #[arg(long, value_enum, env = "SV39_ENGINE", default_value_t = crate::jit::Engine::default())]
    pub engine: crate::jit::Engine,
    /// Write the case ELFs and a README on running them to DIR, and stop.
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// Runs `sv39 conformance`; returns the exit status.
pub fn main(args: &ConformanceArgs) -> Result<i32, String> {
    if let Some(dir) = &args.export {
        let cases = cases::matching(args.filter.as_deref());
        export::write(dir, &cases)?;
        println!("wrote {} cases and README.md to {}", cases.len(), dir.display());
        return Ok(0);
    }
    let suite = run_suite(args)?;
    print!("{}", suite.render());
    Ok(if suite.ok() { 0 } else { 1 })
}

/// Runs the selected cases (on QEMU too with `--qemu`).
pub fn run_suite(args: &ConformanceArgs) -> Result<Suite, String> {
    let start = Instant::now();
    let selected: Vec<cases::Case> =
        cases::matching(args.filter.as_deref()).into_iter().filter(|c| c.applies(args.ad)).collect();
    if selected.is_empty() {
        return Err(format!(
            "no case matches {:?} under --ad {}",
            args.filter.as_deref().unwrap_or(""),
            report::policy_name(args.ad)
        ));
    }
    let qemu = match args.qemu {
        true => Some(qemu::version().ok_or(format!("{} not found (apt-get install qemu-system-misc)", qemu::QEMU))?),
        false => None,
    };
    let dir = scratch_dir();
    if qemu.is_some() {
        qemu::write_elves(&selected, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let engines: &[Engine] =
        if qemu.is_some() { &[Engine::Sv39(args.ad, args.engine), Engine::Qemu] } else { &[Engine::Sv39(args.ad, args.engine)] };
    let jobs: Vec<(cases::Case, Engine)> =
        engines.iter().flat_map(|&e| selected.iter().map(move |&c| (c, e))).collect();
    let threads = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let mut results = run::parallel(&jobs, threads, &dir).into_iter();
    if qemu.is_some() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let sv39: Vec<_> = results.by_ref().take(selected.len()).collect();
    let rows = selected
        .into_iter()
        .zip(sv39)
        .map(|(case, sv39)| Row { rule: case.rule(), case, sv39, qemu: qemu.as_ref().and_then(|_| results.next()) })
        .collect();
    Ok(Suite { rows, ad: args.ad, qemu, threads, wall: start.elapsed() })
}

/// A fresh directory name for the ELFs QEMU loads, unique per run.
fn scratch_dir() -> PathBuf {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("sv39-conformance-{}-{run}", std::process::id()))
}
