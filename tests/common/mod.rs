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

/// A finished run: exit code (None if killed, by a signal or the time
/// limit), the signal that killed it, and output.
pub struct Run {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` with stdin closed, killing it after `limit`.
pub fn run_with_limit(cmd: Command, limit: Duration) -> Run {
    run_with_input(cmd, None, limit)
}

/// Runs `cmd` with `input` as its stdin (closed when `None` or when all is
/// written), killing it after `limit`.
pub fn run_with_input(mut cmd: Command, input: Option<&[u8]>, limit: Duration) -> Run {
    let stdin = if input.is_some() { Stdio::piped() } else { Stdio::null() };
    cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    if let (Some(mut pipe), Some(data)) = (child.stdin.take(), input) {
        let data = data.to_vec();
        std::thread::spawn(move || std::io::Write::write_all(&mut pipe, &data));
    }
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
        signal: std::os::unix::process::ExitStatusExt::signal(&status),
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
    tool_available("qemu-system-riscv64", "qemu-system-misc")
}

/// Whether QEMU's user mode (Linux riscv64 programs on this host) is here;
/// in CI its absence is a failure, not a skip.
pub fn qemu_user_available() -> bool {
    tool_available("qemu-riscv64", "qemu-user")
}

/// Whether `tool --version` runs; in CI its absence is a failure.
fn tool_available(tool: &str, package: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("{tool} is missing in CI: `make` installs it (apt-get install {package})");
    }
    if !found {
        eprintln!("{tool} not found: skipping the cross-check (run `make` to install it)");
    }
    found
}

pub fn qemu(elf: &Path, mem: &str) -> Run {
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", mem, "-nographic", "-kernel"]).arg(elf);
    run_with_limit(cmd, Duration::from_secs(60))
}
