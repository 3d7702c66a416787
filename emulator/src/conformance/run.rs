//! Running cases: in-process on sv39 (one `Machine` per case, console into a
//! buffer, an instruction limit) and on QEMU (`qemu.rs`), spread over worker
//! threads, each result judged from the exit status and the console's
//! `check N failed: ...` line.

use super::cases::Case;
use super::qemu;
use crate::devices::uart::MemoryConsole;
use crate::loader::elf;
use crate::machine::{Config, Exit, Machine};
use crate::mmu::walk::AdPolicy;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use sv39_arch::memmap::DEFAULT_RAM_SIZE;

/// Instructions a case may run on sv39 before it counts as timed out (the
/// largest, the permission matrices, need about 3 million).
pub const INSN_LIMIT: u64 = 100_000_000;

/// Where a case runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sv39(AdPolicy, crate::jit::Engine),
    Qemu,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The case failed check `check`; `detail` is its `check N failed` line.
    Fail {
        check: u64,
        detail: Option<String>,
    },
    Timeout,
    /// The run could not be done (QEMU missing, a bad ELF, ...).
    Error(String),
}

impl Verdict {
    pub fn passed(&self) -> bool {
        *self == Verdict::Pass
    }

    /// Judges a run from its exit (`Ok(status)`, 0 = pass) and console text.
    pub fn judge(status: Result<u64, Verdict>, console: &str) -> Verdict {
        match status {
            Ok(0) => Verdict::Pass,
            Ok(check) => Verdict::Fail { check, detail: failure_line(console) },
            Err(v) => v,
        }
    }

    /// `pass`, `FAIL check 3`, `timeout`, `error`.
    pub fn short(&self) -> String {
        match self {
            Verdict::Pass => "pass".into(),
            Verdict::Fail { check, .. } => format!("FAIL check {check}"),
            Verdict::Timeout => "timeout".into(),
            Verdict::Error(_) => "error".into(),
        }
    }

    /// What went wrong, in one line (None for a pass).
    pub fn detail(&self) -> Option<String> {
        match self {
            Verdict::Pass => None,
            Verdict::Fail { check, detail } => {
                Some(detail.clone().unwrap_or_else(|| format!("exit status {check} (no `check N failed` line)")))
            }
            Verdict::Timeout => Some("no exit within the limit".into()),
            Verdict::Error(e) => Some(e.clone()),
        }
    }
}

/// The first line of a console saying why the case failed: `check N
/// failed: ...`, or `bare`'s report of an unexpected trap or a panic.
fn failure_line(console: &str) -> Option<String> {
    let says_why = |l: &&str| {
        (l.starts_with("check ") && l.contains(" failed")) || l.starts_with("unexpected trap") || l.starts_with("panic")
    };
    console.lines().map(|l| l.trim_end_matches('\r')).find(says_why).map(str::to_string)
}

/// Runs `case` on sv39 with A/D kept as `ad`, on `engine`.
pub fn on_sv39(case: &Case, ad: AdPolicy, engine: crate::jit::Engine) -> Verdict {
    let image = match elf::parse(case.elf) {
        Ok(image) => image,
        Err(e) => return Verdict::Error(format!("{}: {e}", case.name)),
    };
    let cfg = Config::bare(DEFAULT_RAM_SIZE, ad);
    let console = MemoryConsole::default();
    let mut machine = match Machine::new(&cfg, image, Box::new(console.clone())) {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    machine.set_engine(engine);
    let status = match machine.run(Some(INSN_LIMIT)) {
        Exit::Pass => Ok(0),
        Exit::Fail(code) => Ok(code),
        Exit::InstructionLimit => Err(Verdict::Timeout),
        Exit::Deadlock => Err(Verdict::Error("every hart waits for an interrupt that cannot come".into())),
        Exit::Killed => Err(Verdict::Error("killed by a debugger".into())),
        Exit::UserEntered { .. } => Err(Verdict::Error("stopped at U-mode entry".into())),
    };
    machine.finish();
    Verdict::judge(status, &console.text())
}

/// Runs `case` on `engine`; QEMU reads the ELF from `dir`.
pub fn on(engine: Engine, case: &Case, dir: &Path) -> Verdict {
    match engine {
        Engine::Sv39(ad, engine) => on_sv39(case, ad, engine),
        Engine::Qemu => qemu::run(case, dir),
    }
}

/// Runs every (case, engine) job on `threads` threads; results in job order.
pub fn parallel(jobs: &[(Case, Engine)], threads: usize, dir: &Path) -> Vec<Verdict> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Verdict>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((case, engine)) = jobs.get(i) else { break };
                *results[i].lock().unwrap() = Some(on(*engine, case, dir));
            });
        }
    });
    results.into_iter().map(|r| r.into_inner().unwrap().expect("every job ran")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_from_status_and_console() {
        let console = "case: rule\ncheck 3 failed: mtval: expected 0x1, got 0x2\r\ncase: FAIL (check 3)\n";
        assert_eq!(Verdict::judge(Ok(0), console), Verdict::Pass);
        let fail = Verdict::judge(Ok(3), console);
        assert_eq!(fail.short(), "FAIL check 3");
        assert_eq!(fail.detail().unwrap(), "check 3 failed: mtval: expected 0x1, got 0x2");
        assert!(Verdict::judge(Ok(254), "unexpected trap: mcause 0x5").detail().unwrap().contains("mcause"));
        assert!(Verdict::judge(Ok(7), "").detail().unwrap().contains("exit status 7"));
        assert_eq!(Verdict::judge(Err(Verdict::Timeout), "").short(), "timeout");
    }
}
