//! Helpers shared by the integration tests: running guest ELFs on sv39 and on
//! QEMU with a time limit, and finding the guest programs.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const SV39: &str = env!("CARGO_BIN_EXE_sv39");

/// The directory of guest ELFs built by the emulator's build script.
pub fn guest_bin(name: &str) -> PathBuf {
    Path::new(sv39::GUEST_BIN_DIR).join(name)
}

/// The names of the bins of guest crate `krate` (one test program each).
pub fn guest_bins(krate: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-programs").join(krate).join("src/bin");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A finished run: exit code (None if killed by the time limit) and output.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` with stdin closed, killing it after `limit`.
pub fn run_with_limit(mut cmd: Command, limit: Duration) -> Run {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn sv39(args: &[&str], elf: &Path) -> Run {
    let mut cmd = Command::new(SV39);
    cmd.arg("boot").args(args).arg(elf);
    run_with_limit(cmd, Duration::from_secs(60))
}

/// Whether QEMU is here; in CI its absence is a failure, not a skip.
pub fn qemu_available() -> bool {
    let found = Command::new("qemu-system-riscv64").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("qemu-system-riscv64 is missing in CI: `make` installs it (apt-get install qemu-system-misc)");
    }
    if !found {
        eprintln!("qemu-system-riscv64 not found: skipping the QEMU cross-check (run `make` to install it)");
    }
    found
}

pub fn qemu(elf: &Path, mem: &str) -> Run {
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", mem, "-nographic", "-kernel"]).arg(elf);
    run_with_limit(cmd, Duration::from_secs(60))
}
