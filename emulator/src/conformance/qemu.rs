//! Running a case on `qemu-system-riscv64 -M virt -bios none -m 128M
//! -nographic -kernel ELF`: QEMU 7.2's exit status is the case's (the SiFive
//! test finisher's code), its standard output the case's console.

use super::cases::Case;
use super::run::Verdict;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The QEMU binary.
pub const QEMU: &str = "qemu-system-riscv64";

/// How long one case may run on QEMU.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

/// The QEMU command line for `elf`.
pub fn command_line(elf: &Path) -> Command {
    let mut cmd = Command::new(QEMU);
    cmd.args(["-M", "virt", "-bios", "none", "-m", "128M", "-nographic", "-kernel"]).arg(elf);
    cmd
}

/// `qemu-system-riscv64 --version`'s first line, if QEMU runs.
pub fn version() -> Option<String> {
    let out = Command::new(QEMU).arg("--version").stdin(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
}

/// Writes the ELFs of `cases` into `dir` (QEMU loads them from files).
pub fn write_elves(cases: &[Case], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    cases.iter().try_for_each(|c| std::fs::write(elf_path(c, dir), c.elf))
}

fn elf_path(case: &Case, dir: &Path) -> PathBuf {
    dir.join(format!("{}.elf", case.name))
}

/// Runs `case` (its ELF already in `dir`) on QEMU.
pub fn run(case: &Case, dir: &Path) -> Verdict {
    let mut cmd = command_line(&elf_path(case, dir));
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Verdict::Error(format!("cannot start {QEMU}: {e}")),
    };
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status.code().map_or(255, |c| c as u64)),
            Ok(None) if start.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(Verdict::Timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => break Err(Verdict::Error(format!("{QEMU}: {e}"))),
        }
    };
    let console = stdout.join().unwrap_or_default() + &stderr.join().unwrap_or_default();
    Verdict::judge(status, &console)
}

/// Reads a child's pipe to its end on a thread (so the child never blocks on it).
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}
