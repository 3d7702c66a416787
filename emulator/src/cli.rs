//! The command line: `sv39 boot [OPTIONS] ELF` (or `--bios FILE --kernel
//! FILE --initrd FILE`, as QEMU's options), and `sv39 run` (src/run/).
//!
//! Exit status: 0 when the guest passes (test finisher 0x5555 or HTIF exit 0),
//! the guest's code when it fails (1-255; larger codes report 255), 2 for bad
//! input to the tool, 124 when `--max-insns` stops the run, 125 when every
//! hart waits for an interrupt that can never come, 137 when a debugger
//! (`--gdb`) kills the machine, 0 when `--stop-at-user` stops it.

use crate::board;
use crate::devices::virtio::console::Console;
use crate::gdb;
use crate::loader::elf::{self, Image};
use crate::loader::kernel;
use crate::machine::{Config, Exit, Machine, Start};
use crate::mmu::walk::AdPolicy;
use crate::stats;
use crate::trace::{self, config::TraceConfig, Tracer};
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;
use sv39_arch::csr::Priv;
use sv39_arch::memmap::RAM_BASE;

pub const EXIT_TOOL_ERROR: i32 = 2;
pub const EXIT_INSN_LIMIT: i32 = 124;
pub const EXIT_DEADLOCK: i32 = 125;
/// As a shell reports a process killed by SIGKILL.
pub const EXIT_KILLED: i32 = 137;

#[derive(Parser, Debug)]
#[command(name = "sv39", version, about = "An RV64 emulator with a real Sv39 MMU, compatible with QEMU's virt board")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load an RV64 ELF at its physical addresses and run it on the virt
    /// board; or, as QEMU's -bios/-kernel/-initrd, a firmware and a kernel
    /// (docs/kernels.md).
    Boot {
        #[command(flatten)]
        board: BoardArgs,
        #[command(flatten)]
        files: BootFiles,
    },
    /// Boot the bundled kernel and run PROGRAM in it (the shell without one);
    /// exits with the program's status.
    Run(crate::run::RunArgs),
    /// Run the embedded MMU conformance suite (one bare-metal ELF per Sv39
    /// rule) and print a table; --export writes the ELFs and a README.
    Conformance(crate::conformance::ConformanceArgs),
}

/// Options of the machine, shared by every command that boots one.
#[derive(Args, Debug)]
pub(crate) struct BoardArgs {
    /// Guest RAM size (bytes, or with K, M, G suffix), at 0x8000_0000.
    #[arg(long, default_value = "128M", value_parser = parse_size)]
    mem: u64,
    /// Number of harts.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    harts: u16,
    /// A/D bit policy: `update` sets them in hardware (QEMU); `fault` raises a
    /// page fault instead (Svade, as Spike).
    #[arg(long, value_enum, default_value_t = AdPolicy::Update)]
    ad: AdPolicy,
    /// Check every TLB hit against a fresh page walk and report stale entries
    /// (a missing sfence.vma).
    #[arg(long)]
    strict_tlb: bool,
    /// The engine: `interp` (the reference interpreter) or `jit` (x86-64
    /// translation of integer code, the interpreter for the rest).
    #[arg(long, value_enum, env = "SV39_ENGINE", default_value_t = crate::jit::Engine::default())]
    engine: crate::jit::Engine,
    /// Stop after this many instructions (exit status 124).
    #[arg(long)]
    max_insns: Option<u64>,
    /// End the run (status 0) when a hart is about to run its first U-mode
    /// instruction, and say after how many instructions: the boot time of a
    /// kernel up to its first user program.
    #[arg(long)]
    stop_at_user: bool,
    /// Let mtime follow the host clock instead of retired instructions.
    #[arg(long)]
    realtime: bool,
    /// Print instruction, trap, page-walk and TLB figures at exit.
    #[arg(long)]
    stats: bool,
    /// A raw disk image as a virtio block device (QEMU's `-drive
    /// file=FILE,format=raw -device virtio-blk-device`), on the virtio-mmio
    /// slots from 0x1000_1000 on; `,readonly` refuses writes. Repeatable.
    #[arg(long, value_name = "FILE[,readonly]", value_parser = parse_drive)]
    drive: Vec<board::Disk>,
    /// Share the host directory HOSTDIR with the guest over virtio-9p
    /// (QEMU's `-virtfs local,...,mount_tag=shareN`), mounted at GUESTDIR
    /// (an absolute path; default: HOSTDIR's canonical path), read-only
    /// unless --share-rw; on the virtio-mmio slots after the drives.
    /// Repeatable. `sv39 run` without one shares the current directory at
    /// its own path (--no-share: nothing). See docs/share.md.
    #[arg(long, value_name = "HOSTDIR[:GUESTDIR]", value_parser = parse_share)]
    share: Vec<ShareArg>,
    /// Make the shares writable (as the host user permits).
    #[arg(long)]
    pub(crate) share_rw: bool,
    /// The legacy (version 1) virtio-mmio interface, as QEMU's default
    /// `virtio-mmio.force-legacy=true`, for kernels written for it.
    #[arg(long)]
    virtio_legacy: bool,
    /// Kernel command line, placed in the device tree's /chosen/bootargs.
    #[arg(long)]
    pub(crate) append: Option<String>,
    #[command(flatten)]
    trace: TraceArgs,
    #[command(flatten)]
    inspect: crate::inspect::InspectArgs,
    /// Serve the GDB remote protocol on 127.0.0.1:PORT (0: any free port);
    /// `target remote :PORT` in gdb-multiarch.
    #[arg(long, value_name = "PORT")]
    gdb: Option<u16>,
    /// With --gdb: hold the machine at reset until a debugger connects.
    #[arg(long, requires = "gdb")]
    gdb_wait: bool,
}

/// What `sv39 boot` loads: one ELF entered directly, or QEMU's three files.
#[derive(Args, Debug)]
struct BootFiles {
    /// The ELF file to load, entered at its entry point with a0 = mhartid and
    /// a1 = the device tree (as `--bios none --kernel ELF`).
    #[arg(conflicts_with_all = ["bios", "kernel"], required_unless_present_any = ["bios", "kernel"])]
    elf: Option<PathBuf>,
    /// The M-mode firmware (an ELF, or a raw binary at 0x8000_0000), entered
    /// through the MROM's reset vector with a2 = OpenSBI's fw_dynamic_info;
    /// `none` (the default) enters the kernel directly.
    #[arg(long, value_name = "FILE|none")]
    bios: Option<PathBuf>,
    /// The kernel: an ELF, or a raw binary (Linux's `Image`) at the
    /// firmware's end rounded up to 2 MiB (0x8020_0000 after OpenSBI).
    #[arg(long, value_name = "FILE")]
    kernel: Option<PathBuf>,
    /// An initramfs, placed in RAM as QEMU places `-initrd` and named in
    /// /chosen/linux,initrd-start and -end.
    #[arg(long, value_name = "FILE", requires = "kernel")]
    initrd: Option<PathBuf>,
    /// Write the device tree the guest would get to FILE and exit, as
    /// QEMU's `-machine dumpdtb=FILE` (QEMU boots with it by `-dtb FILE`).
    #[arg(long, value_name = "FILE")]
    dumpdtb: Option<PathBuf>,
}

impl BootFiles {
    /// The firmware file, unless `--bios none` or no `--bios`.
    fn firmware(&self) -> Option<&std::path::Path> {
        self.bios.as_deref().filter(|p| p.as_os_str() != "none")
    }
}

/// The `--trace*` options (docs/tracing.md shows each event kind).
#[derive(Args, Debug)]
struct TraceArgs {
    /// Events to trace, comma-separated: insn, trap, mmu, tlb, tlb-hit,
    /// syscall, mem, csr, blk, 9p, or all (everything but tlb-hit).
    #[arg(long, value_name = "LIST", value_parser = |s: &str| trace::config::parse_kinds(s).map(Kinds))]
    trace: Option<Kinds>,
    /// Where the trace goes (default: stderr).
    #[arg(long, value_name = "PATH")]
    trace_file: Option<PathBuf>,
    /// Only events at these privileges, e.g. `u,s`.
    #[arg(long, value_name = "LIST", value_parser = |s: &str| trace::config::parse_privs(s).map(Privs))]
    trace_priv: Option<Privs>,
    /// Only events of this address space (satp.ASID).
    #[arg(long, value_name = "N")]
    trace_asid: Option<u16>,
    /// Only events whose pc lies in LO..HI (inclusive).
    #[arg(long, value_name = "LO..HI", value_parser = trace::config::parse_pc_range)]
    trace_pc: Option<(u64, u64)>,
    /// Skip the first N instructions.
    #[arg(long, value_name = "N", default_value_t = 0)]
    trace_from: u64,
    /// Trace N instructions (after --trace-from), then run on untraced.
    #[arg(long, value_name = "N")]
    trace_count: Option<u64>,
    /// text (Spike's commit-log layout for instructions) or jsonl.
    #[arg(long, value_enum, default_value_t = trace::config::Format::Text)]
    trace_format: trace::config::Format,
}

/// Lists as single option values (clap would read a bare Vec as repeated values).
#[derive(Clone, Debug)]
struct Kinds(Vec<trace::config::Kind>);
#[derive(Clone, Debug)]
struct Privs(Vec<Priv>);

impl TraceArgs {
    /// The tracer these options ask for, if any.
    fn tracer(&self) -> Result<Option<Tracer>, String> {
        let Some(Kinds(kinds)) = self.trace.clone() else { return Ok(None) };
        let out: Box<dyn std::io::Write + Send> = match &self.trace_file {
            Some(path) => {
                Box::new(std::fs::File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?)
            }
            None => Box::new(std::io::stderr()),
        };
        let cfg = TraceConfig {
            kinds,
            privs: self.trace_priv.clone().map(|p| p.0),
            asid: self.trace_asid,
            pc: self.trace_pc,
            from: self.trace_from,
            count: self.trace_count,
            format: self.trace_format,
        };
        Ok(Some(Tracer::new(cfg, out)))
    }
}

/// Parses `FILE` or `FILE,readonly`.
fn parse_drive(s: &str) -> Result<board::Disk, String> {
    let (path, readonly) = match s.rsplit_once(',') {
        Some((path, "readonly")) => (path, true),
        Some((_, opt)) => return Err(format!("unknown drive option `{opt}` (the one known is `readonly`)")),
        None => (s, false),
    };
    if path.is_empty() {
        return Err("a drive needs a file".into());
    }
    Ok(board::Disk::Image { path: path.into(), readonly })
}

/// A `--share` as given: HOSTDIR and maybe GUESTDIR.
#[derive(Clone, Debug)]
pub(crate) struct ShareArg {
    host: std::path::PathBuf,
    guest: Option<String>,
}

/// Parses `HOSTDIR[:GUESTDIR]`: GUESTDIR is what follows the last `:/`.
/// HOSTDIR is looked at when the machine is built (`shares`), so that a
/// missing one gets one error line.
fn parse_share(s: &str) -> Result<ShareArg, String> {
    let (host, guest) = match s.rfind(":/") {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    if host.is_empty() {
        return Err("a share needs a host directory".into());
    }
    Ok(ShareArg { host: host.into(), guest: guest.map(String::from) })
}

/// The shares `args` ask for, HOSTDIR made canonical (the default
/// GUESTDIR), read-only unless --share-rw.
pub(crate) fn shares(args: &BoardArgs) -> Result<Vec<board::Share>, String> {
    args.share.iter().map(|s| share(&s.host, s.guest.as_deref(), !args.share_rw)).collect()
}

/// The share of the directory `host` at `guest` (default: its canonical
/// path), which may not be the guest's root: that holds its programs.
pub(crate) fn share(host: &std::path::Path, guest: Option<&str>, readonly: bool) -> Result<board::Share, String> {
    let shown = host.display();
    let dir = std::fs::canonicalize(host).map_err(|e| format!("cannot share {shown}: {e}"))?;
    if !dir.is_dir() {
        return Err(format!("cannot share {shown}: not a directory"));
    }
    let guest = match guest {
        Some(g) => g.to_string(),
        None => dir.to_str().ok_or(format!("cannot share {shown}: its path is not UTF-8, give a GUESTDIR"))?.into(),
    };
    if guest.trim_end_matches('/').is_empty() {
        return Err(format!("cannot share {shown} at the guest's root: give a GUESTDIR below it"));
    }
    Ok(board::Share { host: dir, guest, readonly })
}

/// `share=TAG:GUESTDIR` for each share, for the kernel's command line.
pub(crate) fn share_params(shares: &[board::Share]) -> String {
    let words: Vec<String> =
        shares.iter().enumerate().map(|(n, s)| quoted(&format!("share={}:{}", board::share_tag(n), s.guest))).collect();
    words.join(" ")
}

/// One word of the kernel command line, quoted if it must be.
pub(crate) fn quoted(word: &str) -> String {
    let mut out = Vec::new();
    sv39_abi::bootargs::quote(word.as_bytes(), &mut |b| out.push(b));
    String::from_utf8(out).expect("quoting keeps UTF-8")
}

/// Parses a RAM size: `parse_bytes`, a multiple of 4 KiB from 1M to 1024G.
fn parse_size(s: &str) -> Result<u64, String> {
    let bytes = parse_bytes(s)?;
    if bytes < 1 << 20 || bytes % 4096 != 0 || bytes > 1 << 40 {
        return Err(format!("`{s}`: RAM must be a multiple of 4 KiB between 1M and 1024G"));
    }
    Ok(bytes)
}

/// Parses `4096`, `64K`, `128M`, `2G` (binary units, optional `iB`/`B`).
pub(crate) fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim().trim_end_matches("iB").trim_end_matches('B');
    let (num, shift) = match t.chars().last() {
        Some('K' | 'k') => (&t[..t.len() - 1], 10),
        Some('M' | 'm') => (&t[..t.len() - 1], 20),
        Some('G' | 'g') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size (try 128M or 1G)"))?;
    n.checked_shl(shift).filter(|b| b >> shift == n).ok_or(format!("`{s}` is too large"))
}

/// Runs the command line; returns the process exit status.
pub fn main() -> i32 {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    match cli.command {
        Command::Boot { board, files } => boot(&board, &files).unwrap_or_else(|e| {
            eprintln!("sv39: error: {e}");
            EXIT_TOOL_ERROR
        }),
        Command::Run(args) => crate::run::run(&args).unwrap_or_else(|e| {
            eprintln!("sv39: error: {e}");
            EXIT_TOOL_ERROR
        }),
        Command::Conformance(args) => crate::conformance::main(&args).unwrap_or_else(|e| {
            eprintln!("sv39: error: {e}");
            EXIT_TOOL_ERROR
        }),
    }
}

fn boot(args: &BoardArgs, files: &BootFiles) -> Result<i32, String> {
    let mut cfg = machine_config(args)?;
    if let Some(path) = &files.initrd {
        cfg.initrd = Some(std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?);
    }
    let (image, start, what) = match (files.firmware(), files.kernel.as_deref().or(files.elf.as_deref())) {
        (None, Some(path)) if files.elf.is_some() => {
            (elf::load_file(path).map_err(|e| named(path, e))?, Start::Entry, path.display().to_string())
        }
        (None, Some(path)) => {
            let kernel = kernel::load_kernel(path, RAM_BASE).map_err(|e| named(path, e))?;
            (kernel.image, Start::Entry, path.display().to_string())
        }
        (Some(fw_path), kernel_path) => {
            let fw = kernel::load_firmware(fw_path).map_err(|e| named(fw_path, e))?;
            let mut image = fw.image;
            let mut kernel_entry = None;
            if let Some(path) = kernel_path {
                let kernel = kernel::load_kernel(path, fw.end).map_err(|e| named(path, e))?;
                if let Some((lo, hi)) = kernel::overlap(&image, &kernel.image) {
                    let (k, f) = (path.display(), fw_path.display());
                    return Err(format!("{k}: its bytes at [{lo:#x}, {hi:#x}) overlap the firmware {f}"));
                }
                kernel_entry = Some(kernel.image.entry);
                image.segments.extend(kernel.image.segments);
            }
            (image, Start::Firmware { kernel: kernel_entry }, fw_path.display().to_string())
        }
        (None, None) => return Err("--bios none needs a --kernel".into()),
    };
    if let Some(path) = &files.dumpdtb {
        let machine =
            Machine::boot(&cfg, image, start, Box::new(std::io::sink())).map_err(|e| format!("{what}: {e}"))?;
        std::fs::write(path, machine.dtb()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("sv39: device tree written to {}", path.display());
        return Ok(0);
    }
    run_machine_from(args, &cfg, image, start, &what, None).map(|(_, status)| status)
}

/// A load error, with the file it is about.
fn named(path: &std::path::Path, e: elf::LoadError) -> String {
    match e {
        elf::LoadError::Io(..) => e.to_string(),
        e => format!("{}: {e}", path.display()),
    }
}

/// The machine `args` describe, with `--append` and the shares'
/// `share=` words as its command line.
pub(crate) fn machine_config(args: &BoardArgs) -> Result<Config, String> {
    let shares = shares(args)?;
    let bootargs = match (&args.append, shares.is_empty()) {
        (append, true) => append.clone(),
        (None, false) => Some(share_params(&shares)),
        (Some(a), false) => Some(format!("{} {a}", share_params(&shares))),
    };
    Ok(Config {
        harts: args.harts as usize,
        ram_size: args.mem,
        ad: args.ad,
        strict_tlb: args.strict_tlb,
        realtime: args.realtime,
        bootargs,
        initrd: None,
        rng_seed: None,
        disks: args.drive.clone(),
        virtio_legacy: args.virtio_legacy,
        shares,
    })
}

/// Runs `image` (named `what` in errors) on a machine built as `cfg`, with
/// stdout as the UART's output and stdin as its input, or the virtio
/// `console`'s; returns how it ended and the exit status.
pub(crate) fn run_machine(
    args: &BoardArgs,
    cfg: &Config,
    image: Image,
    what: &str,
    console: Option<Console>,
) -> Result<(Exit, i32), String> {
    run_machine_from(args, cfg, image, Start::Entry, what, console)
}

/// `run_machine`, the harts leaving reset as `start` says.
fn run_machine_from(
    args: &BoardArgs,
    cfg: &Config,
    image: Image,
    start: Start,
    what: &str,
    console: Option<Console>,
) -> Result<(Exit, i32), String> {
    let tracer = args.trace.tracer()?;
    let inspector = args.inspect.inspector()?;
    let mut machine =
        Machine::boot(cfg, image, start, Box::new(std::io::stdout())).map_err(|e| format!("{what}: {e}"))?;
    machine.set_engine(args.engine);
    machine.set_stop_at_user(args.stop_at_user);
    if let Some(c) = console {
        machine.attach_console(c, cfg.virtio_legacy)?;
    }
    machine.connect_input(stdin_reader());
    if let Some(t) = tracer {
        machine.set_tracer(t);
    }
    if let Some(i) = inspector {
        machine.set_inspector(i);
    }
    let start = Instant::now();
    let exit = match args.gdb {
        Some(port) => {
            let opts = gdb::Options { port, wait: args.gdb_wait, max_insns: args.max_insns };
            gdb::serve(&mut machine, &opts)?
        }
        None => machine.run(args.max_insns),
    };
    machine.finish();
    if let Some(i) = machine.take_inspector() {
        // The guest's status stands: a picture that cannot be written is only reported.
        if let Err(e) = i.finish(&machine.harts, &mut machine.bus) {
            eprintln!("sv39: {e}");
        }
    }
    if args.stats {
        eprint!("{}", stats::summary(&machine.harts, start.elapsed(), machine.bus.code.invalidations));
    }
    Ok((exit, exit_status(exit, &machine)))
}

fn exit_status(exit: Exit, machine: &Machine) -> i32 {
    match exit {
        Exit::Pass => 0,
        Exit::Fail(code) => code.clamp(1, 255) as i32,
        Exit::InstructionLimit => {
            let h = &machine.harts[0];
            eprintln!(
                "sv39: stopped at the instruction limit (--max-insns) after {} instructions, pc {:#x}",
                h.cycle, h.pc
            );
            EXIT_INSN_LIMIT
        }
        Exit::Deadlock => {
            eprintln!("sv39: every hart waits in WFI for an interrupt that nothing can raise; stopping");
            EXIT_DEADLOCK
        }
        Exit::Killed => {
            eprintln!("sv39: killed by the debugger");
            EXIT_KILLED
        }
        Exit::UserEntered { hart } => {
            let h = &machine.harts[hart];
            let all: u64 = machine.harts.iter().map(|h| h.minstret()).sum();
            eprintln!(
                "sv39: hart {hart} enters U-mode at pc {:#x} after {all} instructions (all harts; hart {hart}: {})",
                h.pc,
                h.minstret()
            );
            0
        }
    }
}

/// Console input: stdin's bytes until end of file. A regular file or
/// /dev/null is read whole before the machine starts, so a run with it is
/// repeatable to the instruction (its end of file included); a pipe or a
/// terminal is forwarded by a thread as bytes come.
fn stdin_reader() -> std::sync::mpsc::Receiver<u8> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut stdin = std::io::stdin();
    if stdin_is_a_file() {
        let mut data = Vec::new();
        // What cannot be read is the end of the input, as for a pipe.
        let _ = stdin.read_to_end(&mut data);
        data.into_iter().for_each(|b| tx.send(b).expect("the receiver is alive"));
        return rx;
    }
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        let mut escapes = crate::run::terminal::Escapes::default();
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || escapes.filter(&buf[..n]).into_iter().any(|b| tx.send(b).is_err()) {
                break;
            }
        }
    });
    rx
}

/// Whether stdin is a regular file or /dev/null (all there is, at once).
fn stdin_is_a_file() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else { return false };
    let Ok(meta) = std::fs::File::from(fd).metadata() else { return false };
    let null = std::fs::metadata("/dev/null").ok();
    meta.is_file() || null.is_some_and(|n| n.rdev() == meta.rdev() && meta.file_type() == n.file_type())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("128M"), Ok(128 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("12x").is_err());
        assert!(parse_size("4K").is_err(), "below 1M");
        assert!(parse_size("99999999999G").is_err());
    }
}
