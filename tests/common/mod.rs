//! Helpers shared by the integration tests: running guest ELFs on sv39 and on
//! QEMU with a time limit, and finding the guest programs.
#![allow(dead_code)] // each test file uses a different subset

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
/// written), killing it after `limit`. Output is read while the child runs,
/// so a chatty child never blocks on a full pipe.
pub fn run_with_input(mut cmd: Command, input: Option<&[u8]>, limit: Duration) -> Run {
    let stdin = if input.is_some() { Stdio::piped() } else { Stdio::null() };
    cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    if let (Some(mut pipe), Some(data)) = (child.stdin.take(), input) {
        let data = data.to_vec();
        std::thread::spawn(move || std::io::Write::write_all(&mut pipe, &data));
    }
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    use std::os::unix::process::ExitStatusExt;
    Run {
        code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
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

/// Whether gdb-multiarch is here; in CI its absence is a failure, not a skip.
pub fn gdb_available() -> bool {
    tool_available("gdb-multiarch", "gdb-multiarch")
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
    qemu_smp(elf, mem, 1)
}

/// QEMU's virt board with `harts` harts.
pub fn qemu_smp(elf: &Path, mem: &str, harts: usize) -> Run {
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", mem, "-smp", &harts.to_string(), "-nographic", "-kernel"]);
    cmd.arg(elf);
    run_with_limit(cmd, Duration::from_secs(60))
}

/// Writes `bytes` to a file in this test process's scratch directory.
pub fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sv39-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A minimal RV64 ELF that loads `code` at `pa` and starts there.
pub fn elf_with_code(pa: u64, code: &[u32]) -> Vec<u8> {
    let bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut b = vec![0u8; 120];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b[6] = 1;
    b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b[18..20].copy_from_slice(&243u16.to_le_bytes()); // EM_RISCV
    b[20..24].copy_from_slice(&1u32.to_le_bytes());
    b[24..32].copy_from_slice(&pa.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes());
    b[52..54].copy_from_slice(&64u16.to_le_bytes());
    b[54..56].copy_from_slice(&56u16.to_le_bytes());
    b[56..58].copy_from_slice(&1u16.to_le_bytes());
    let ph = 64;
    b[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes());
    b[ph + 4..ph + 8].copy_from_slice(&5u32.to_le_bytes()); // R+X
    b[ph + 8..ph + 16].copy_from_slice(&120u64.to_le_bytes());
    b[ph + 16..ph + 24].copy_from_slice(&pa.to_le_bytes());
    b[ph + 24..ph + 32].copy_from_slice(&pa.to_le_bytes());
    b[ph + 32..ph + 40].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    b[ph + 40..ph + 48].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    b.extend_from_slice(&bytes);
    b
}

/// `sv39 run OPTIONS COMMAND...` with `input` piped to stdin: the
/// program's stdout as it is, and stderr with the kernel's messages.
pub fn sv39_run_console(options: &[&str], command: &[&str], input: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(SV39);
    cmd.arg("run").args(options).args(command);
    run_with_input(cmd, input, Duration::from_secs(300))
}

/// The console of a guest run with the host's line ends (a tty's ONLCR
/// undone) and without the kernel's own lines (`[kernel] ...`).
pub fn without_kernel_lines(console: &str) -> String {
    console.replace("\r\n", "\n").split_inclusive('\n').filter(|l| !l.starts_with("[kernel]")).collect()
}

/// The bundled kernel and programs on `qemu-system-riscv64 -M virt`, booted
/// as `sv39 run` boots them: the same initramfs, and `append` then `--` and
/// `command` as the kernel command line. The console is the stdout, as is.
pub fn qemu_system_run(append: Option<&str>, command: &[&str], input: Option<&[u8]>, limit: Duration) -> Run {
    qemu_system_run_with(&[], append, command, input, limit)
}

/// [`qemu_system_run`] with more QEMU options (devices, drives).
pub fn qemu_system_run_with(
    qemu_args: &[&str],
    append: Option<&str>,
    command: &[&str],
    input: Option<&[u8]>,
    limit: Duration,
) -> Run {
    let args: Vec<String> = command[1..].iter().map(|a| a.to_string()).collect();
    let (archive, cmdline) = sv39::run::bundled_initramfs(Some(command[0]), &args, None).unwrap();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let initrd = std::env::temp_dir().join(format!("sv39-initrd-{}-{n}.cpio", std::process::id()));
    std::fs::write(&initrd, archive).unwrap();
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", "128M", "-nographic"]).args(qemu_args);
    cmd.arg("-kernel").arg(guest_bin("guest-os"));
    cmd.arg("-initrd").arg(&initrd).arg("-append").arg(sv39::run::bootargs(append, &cmdline));
    let run = run_with_input(cmd, input, limit);
    std::fs::remove_file(initrd).unwrap();
    run
}

/// The engine in-process machines run on: `SV39_ENGINE` as `sv39` reads it,
/// else sv39's default (make test runs the suites once per engine).
pub fn engine() -> sv39::jit::Engine {
    match std::env::var("SV39_ENGINE").as_deref() {
        Ok("jit") => sv39::jit::Engine::Jit,
        Ok("interp") => sv39::jit::Engine::Interp,
        _ => sv39::jit::Engine::default(),
    }
}

/// xorshift64*: deterministic, so a failure names a reproducible seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Every entry under `dir`: its path and what it is (contents, link target).
pub fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let what = if meta.file_type().is_symlink() {
                format!("link {}", std::fs::read_link(&p).unwrap().display())
            } else if meta.is_dir() {
                stack.push(p.clone());
                "dir".to_string()
            } else {
                format!("file {:?}", String::from_utf8_lossy(&std::fs::read(&p).unwrap()))
            };
            out.push((name, what));
        }
    }
    out.sort();
    out
}

/// The directory linux-programs/c/share.c expects (see its header).
pub fn share_tree(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("a.txt"), "hello\n").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "deep\n").unwrap();
    std::os::unix::fs::symlink("sub/b.txt", dir.join("link")).unwrap();
    std::os::unix::fs::symlink("sub", dir.join("dirlink")).unwrap();
    let big: Vec<u8> = (0..100_000).map(|i: usize| (i * 7 + i / 4096) as u8).collect();
    std::fs::write(dir.join("big.bin"), big).unwrap();
}

/// A one-hart machine of `ram_size` bytes with no devices in use, its harts
/// starting at `entry` (the random-program tests write their code there).
pub fn bare_machine(ram_size: u64, ad: sv39::mmu::walk::AdPolicy, entry: u64) -> sv39::machine::Machine {
    use sv39::loader::elf::{Image, Segment};
    let cfg = sv39::machine::Config::bare(ram_size, ad);
    let ram = sv39_arch::memmap::RAM_BASE;
    let image = Image {
        entry,
        segments: vec![Segment { pa: ram, data: vec![0; 16], memsz: 16 }],
        tohost: None,
        fromhost: None,
    };
    sv39::machine::Machine::new(&cfg, image, Box::new(std::io::sink())).unwrap()
}
