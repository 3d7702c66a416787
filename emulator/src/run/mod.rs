//! `sv39 run [OPTIONS] [PROGRAM [ARGS...]]`: boots the bundled kernel
//! (guest-os/) with an initramfs of the bundled programs (guest-programs/
//! programs/) and runs PROGRAM in it, as Linux would run it under
//! `qemu-system-riscv64 -kernel ... -initrd ... -append ...`.
//!
//! PROGRAM is a host file (an existing path: it is installed as
//! `/bin/<its name>`, replacing a bundled program of that name) or the name
//! of a bundled program. The command line says
//! `[--append text] -- /bin/PROGRAM ARGS...`, which the kernel hands to init
//! (see `sv39_abi::bootargs`); init powers off with the program's status
//! (`sv39_abi::reboot`), so that status is `sv39 run`'s. With `--initrd`, the
//! user's archive replaces the bundled one and PROGRAM names a file in it.
//!
//! The guest's stdio is the host's, byte for byte, through a virtio console
//! (`devices::virtio::console`, QEMU's `virtio-serial-device`) on the last
//! virtio-mmio slot: port 0 carries stdin and stdout, port 1 stderr, port 2
//! the kernel's messages (to stderr, `--kernel-log FILE`, or nowhere with
//! `--quiet`). When any of stdin, stdout and stderr is a terminal, it is
//! put in the guest's mode (`terminal`) and `tty=` on the command line
//! names the streams that are the terminal, which the guest serves with its
//! line discipline (echo, line editing, signal keys, `\n` as `\r\n`); the
//! others carry bytes as they are.

pub mod initramfs;
pub mod sysroot;
pub mod terminal;

use crate::board;
use crate::cli::{machine_config, run_machine, BoardArgs};
use crate::devices::virtio::console::{Console, Port};
use crate::loader::elf;
use crate::machine::Exit;
use initramfs::Archive;
use std::path::{Path, PathBuf};
use sv39_abi::bootargs::{quote, BIN_DIR};
use sv39_abi::reboot::PANIC_STATUS;

/// Which file of the guest build a bundled entry is (its copy without
/// symbols, from build.rs).
macro_rules! guest_bin {
    ($name:literal) => {
        include_bytes!(concat!(env!("SV39_BUNDLED_DIR"), "/", $name))
    };
}

/// The bundled kernel.
pub const KERNEL: &[u8] = guest_bin!("guest-os");

/// The bundled programs, installed in /bin.
pub const PROGRAMS: &[(&str, &[u8])] = &[
    ("init", guest_bin!("init")),
    ("sh", guest_bin!("sh")),
    ("hello", guest_bin!("hello")),
    ("echo", guest_bin!("echo")),
    ("cat", guest_bin!("cat")),
    ("ls", guest_bin!("ls")),
    ("tour", guest_bin!("tour")),
    ("exitcode", guest_bin!("exitcode")),
    ("sleep", guest_bin!("sleep")),
    ("segv", guest_bin!("segv")),
    ("efault", guest_bin!("efault")),
    ("forkbomb", guest_bin!("forkbomb")),
    ("hog", guest_bin!("hog")),
    // Virtual memory, one idea each (issue 4).
    ("layout", guest_bin!("layout")),
    ("lazy", guest_bin!("lazy")),
    ("pageedge", guest_bin!("pageedge")),
    ("cow", guest_bin!("cow")),
    ("mmapfile", guest_bin!("mmapfile")),
    ("shm", guest_bin!("shm")),
    ("aslr", guest_bin!("aslr")),
    ("uvm", guest_bin!("uvm")),
    ("sharetext", guest_bin!("sharetext")),
    ("vmcheck", guest_bin!("vmcheck")),
    ("forkbench", guest_bin!("forkbench")),
    // Block devices (issue 10).
    ("disk", guest_bin!("disk")),
    ("swapon", guest_bin!("swapon")),
    ("swap", guest_bin!("swap")),
];

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    board: BoardArgs,
    /// Use this cpio "newc" archive as the initramfs instead of the bundled
    /// programs; PROGRAM is then a path (or a name in /bin) inside it.
    #[arg(long, value_name = "FILE")]
    initrd: Option<PathBuf>,
    /// Boot this kernel ELF instead of the bundled one.
    #[arg(long, value_name = "ELF")]
    kernel: Option<PathBuf>,
    /// The seed of the guest kernel's random numbers (/chosen/rng-seed),
    /// which fix its address-space layout (ASLR) and AT_RANDOM: a number, or
    /// `random` for one from the host. The default, 0, keeps runs repeatable.
    #[arg(long, value_name = "N|random", default_value = "0", value_parser = parse_seed)]
    seed: Seed,
    /// Attach a scratch disk of this size (bytes, or with K, M, G suffix)
    /// after the `--drive`s, formatted as swap and removed at exit, and tell
    /// the kernel to swap to it (`swap=/dev/vdX` on its command line).
    #[arg(long, value_name = "SIZE", value_parser = parse_swap_size)]
    swap: Option<u64>,
    /// The riscv64 sysroot a dynamically linked PROGRAM's interpreter and
    /// libraries come from, as `qemu-riscv64 -L` (Debian's cross libc:
    /// /usr/riscv64-linux-gnu). They are put into the initramfs at the paths
    /// ld.so looks in.
    #[arg(short = 'L', value_name = "SYSROOT", env = "QEMU_LD_PREFIX")]
    ld_prefix: Option<PathBuf>,
    /// Write the kernel's own messages (`[kernel] ...`) to FILE instead of stderr.
    #[arg(long, value_name = "FILE", conflicts_with = "quiet")]
    kernel_log: Option<PathBuf>,
    /// Drop the kernel's own messages.
    #[arg(long)]
    quiet: bool,
    /// Share nothing: without it and without --share, the current
    /// directory is shared (read-only) at its own path.
    #[arg(long, conflicts_with = "share")]
    no_share: bool,
    /// Write the initramfs of this run to FILE and print its kernel command
    /// line, without running: `qemu-system-riscv64 -M virt -bios none
    /// -kernel guest-os -initrd FILE -append LINE` then runs the same
    /// programs (make bench does).
    #[arg(long, value_name = "FILE")]
    dump_initrd: Option<PathBuf>,
    /// A static riscv64 ELF on the host (dynamically linked with -L), or the name of a bundled program
    /// (init, sh, hello, echo, cat, ls, tour, exitcode, sleep, segv, efault,
    /// forkbomb, hog; and for virtual memory layout, lazy, pageedge, cow,
    /// mmapfile, shm, aslr, uvm, sharetext; vmcheck checks the kernel's
    /// memory and signals against Linux; forkbench times fork; disk reads
    /// and writes /dev/vda, given with --drive; swapon switches swap areas
    /// on and off). Without it:
    /// the shell. Its arguments follow it, all of them its own (`rg -L`).
    #[arg(value_name = "PROGRAM [ARGS]", trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<String>,
}

impl RunArgs {
    fn program(&self) -> Option<&str> {
        self.command.first().map(String::as_str)
    }

    fn args(&self) -> &[String] {
        self.command.get(1..).unwrap_or_default()
    }
}

/// Runs the command; returns the program's status (see the module docs).
pub fn run(args: &RunArgs) -> Result<i32, String> {
    let (initrd, command) = match &args.initrd {
        Some(path) => {
            let archive = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            (archive, args.command.clone())
        }
        None => bundled_initramfs(args.program(), args.args(), args.ld_prefix.as_deref())?,
    };
    if let Some(path) = &args.dump_initrd {
        std::fs::write(path, &initrd).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", bootargs(args.board.append.as_deref(), &command));
        return Ok(0);
    }
    let (image, what) = match &args.kernel {
        Some(path) => {
            (elf::load_file(path).map_err(|e| format!("{}: {e}", path.display()))?, path.display().to_string())
        }
        None => (elf::parse(KERNEL).map_err(|e| format!("the bundled kernel: {e}"))?, "the bundled kernel".into()),
    };
    let mut cfg = machine_config(&args.board)?;
    let mut append = args.board.append.clone().unwrap_or_default();
    let cwd =
        std::env::current_dir().and_then(std::fs::canonicalize).map_err(|e| format!("the current directory: {e}"))?;
    // The default share; the host's root is not shared (it would hide the guest's).
    if cfg.shares.is_empty() && !args.no_share && cwd.parent().is_some() {
        cfg.shares.push(crate::cli::share(&cwd, None, !args.board.share_rw)?);
    }
    if !cfg.shares.is_empty() {
        let cwd = guest_cwd(&cfg.shares, &cwd).map(|dir| crate::cli::quoted(&format!("cwd={dir}")));
        append = [crate::cli::share_params(&cfg.shares), cwd.unwrap_or_default(), append].join(" ");
    }
    if let Some(size) = args.swap {
        cfg.disks.push(board::Disk::Swap { size });
        append = format!("swap=/dev/vd{} {append}", char::from(b'a' + (cfg.disks.len() - 1) as u8));
    }
    let log = kernel_log(args)?;
    let log_to_stderr = args.kernel_log.is_none() && !args.quiet;
    let host = terminal::Terminals::of_this_process();
    let raw = terminal::RawMode::enter(host);
    if let Some(tty) = host.tty_param(log_to_stderr).filter(|_| raw.is_some()) {
        append = format!("tty={tty} {append}");
    }
    cfg.bootargs = Some(bootargs(Some(&append), &command));
    cfg.initrd = Some(initrd);
    cfg.rng_seed = Some(args.seed.0.clone());
    let console = Console::new(vec![
        Port::new("sv39.stdio", Box::new(std::io::stdout())),
        Port::new("sv39.stderr", Box::new(std::io::stderr())),
        Port::new("sv39.kmsg", log),
    ]);
    let ran = run_machine(&args.board, &cfg, image, &what, Some(console));
    drop(raw);
    let (exit, status) = ran?;
    if let Some(why) = match exit {
        Exit::Fail(code) => explain(code),
        _ => None,
    } {
        eprintln!("sv39: {why}");
    }
    Ok(status)
}

/// The guest path of the host's `cwd`, when a share holds it (the one
/// nearest to it when several do).
fn guest_cwd(shares: &[board::Share], cwd: &Path) -> Option<String> {
    let (share, rest) = shares
        .iter()
        .filter_map(|s| Some((s, cwd.strip_prefix(&s.host).ok()?)))
        .max_by_key(|(s, _)| s.host.components().count())?;
    let dir = Path::new(&share.guest).join(rest);
    Some(dir.to_str()?.trim_end_matches('/').to_string())
}

/// Where the kernel's messages go: stderr, `--kernel-log FILE`, or nowhere (`--quiet`).
fn kernel_log(args: &RunArgs) -> Result<Box<dyn std::io::Write + Send>, String> {
    Ok(match &args.kernel_log {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?)
        }
        None if args.quiet => Box::new(std::io::sink()),
        None => Box::new(std::io::stderr()),
    })
}

/// `--swap SIZE`: a size `mkswap` can format.
fn parse_swap_size(s: &str) -> Result<u64, String> {
    let size = crate::cli::parse_bytes(s)?;
    board::swap::header(size)?;
    Ok(size)
}

/// The bytes of `/chosen/rng-seed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seed(pub Vec<u8>);

/// `--seed`: a number (its 8 little-endian bytes) or `random` (32 bytes
/// from the host's /dev/urandom).
pub fn parse_seed(s: &str) -> Result<Seed, String> {
    if s == "random" {
        let mut bytes = vec![0u8; 32];
        let mut urandom = std::fs::File::open("/dev/urandom").map_err(|e| format!("/dev/urandom: {e}"))?;
        std::io::Read::read_exact(&mut urandom, &mut bytes).map_err(|e| format!("/dev/urandom: {e}"))?;
        return Ok(Seed(bytes));
    }
    let n: u64 = s.parse().map_err(|_| format!("`{s}` is not a seed: give a number or `random`"))?;
    Ok(Seed(n.to_le_bytes().to_vec()))
}

/// The bundled programs in /bin, plus PROGRAM when it is a host file (with
/// its interpreter and libraries from `sysroot` when it is dynamically
/// linked); and the command init is to run.
pub fn bundled_initramfs(
    program: Option<&str>,
    args: &[String],
    sysroot: Option<&Path>,
) -> Result<(Vec<u8>, Vec<String>), String> {
    let mut archive = Archive::new();
    let mut command = Vec::new();
    let host = program.map(Path::new).filter(|p| p.is_file());
    let host_name = host.and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    for (name, data) in PROGRAMS.iter().filter(|(name, _)| host_name.as_deref() != Some(*name)) {
        archive.file(&format!("{BIN_DIR}/{name}"), 0o755, data);
    }
    if let (Some(path), Some(name)) = (host, &host_name) {
        let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let interp = host_program_interp(&data).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(interp) = interp {
            let sysroot = sysroot
                .ok_or_else(|| format!("{}: {}", path.display(), elf::LoadError::NeedsInterpreter(interp.clone())))?;
            for (guest, lib) in sysroot::files(sysroot, &data, &interp)? {
                archive.file(&guest, 0o755, &lib);
            }
        }
        archive.file(&format!("{BIN_DIR}/{name}"), 0o755, &data);
        command.push(format!("{BIN_DIR}/{name}"));
    } else if let Some(name) = program {
        if !PROGRAMS.iter().any(|(n, _)| *n == name) {
            let names: Vec<_> = PROGRAMS.iter().map(|(n, _)| *n).collect();
            return Err(format!("{name}: no such file, and no bundled program of that name ({})", names.join(", ")));
        }
        command.push(format!("{BIN_DIR}/{name}"));
    }
    command.extend(args.iter().cloned());
    Ok((archive.finish(), command))
}

/// Refuses, with the loader's one-line message, an ELF the bundled kernel
/// cannot exec (32-bit, or for another architecture); the interpreter of
/// a dynamically linked one. Other files (a script, say) are left for the
/// kernel to accept or refuse.
fn host_program_interp(data: &[u8]) -> Result<Option<String>, elf::LoadError> {
    match data.starts_with(goblin::elf::header::ELFMAG) {
        true => elf::linux_program_interp(data),
        false => Ok(None),
    }
}

/// The kernel command line: `append`, then `--` and the quoted command.
pub fn bootargs(append: Option<&str>, command: &[String]) -> String {
    let mut line = Vec::new();
    if let Some(a) = append.filter(|a| !a.trim().is_empty()) {
        line.extend_from_slice(a.trim().as_bytes());
        line.push(b' ');
    }
    line.extend_from_slice(b"--");
    for word in command {
        line.push(b' ');
        quote(word.as_bytes(), &mut |b| line.push(b));
    }
    String::from_utf8(line).expect("quoting keeps UTF-8")
}

/// What a machine exit status means for `sv39 run`: a kernel panic is
/// reported as such (status 255, as QEMU shows it).
pub fn explain(code: u64) -> Option<&'static str> {
    (code == PANIC_STATUS as u64).then_some("the guest kernel panicked (its report is above)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sv39_abi::bootargs::{init_args, kernel_params};

    fn unquoted(line: &str) -> Vec<String> {
        init_args(line).map(|w| String::from_utf8(w.bytes().collect()).unwrap()).collect()
    }

    #[test]
    fn the_cwd_is_found_in_the_innermost_share() {
        let share = |host: &str, guest: &str| board::Share { host: host.into(), guest: guest.into(), readonly: true };
        let shares = [share("/home/me", "/home/me"), share("/home/me/src", "/src")];
        assert_eq!(guest_cwd(&shares, Path::new("/home/me/src/a/b")).as_deref(), Some("/src/a/b"));
        assert_eq!(guest_cwd(&shares, Path::new("/home/me/src")).as_deref(), Some("/src"));
        assert_eq!(guest_cwd(&shares, Path::new("/home/me/doc")).as_deref(), Some("/home/me/doc"));
        assert_eq!(guest_cwd(&shares, Path::new("/home/mean")), None, "a prefix of a name is no parent");
        assert_eq!(guest_cwd(&shares, Path::new("/tmp")), None);
    }

    #[test]
    fn bootargs_name_the_command_after_the_separator() {
        let cmd: Vec<String> = ["/bin/echo", "a b", "", "--", "\"q\""].map(String::from).into();
        let line = bootargs(Some(" verbose "), &cmd);
        assert_eq!(line, r#"verbose -- /bin/echo "a b" "" "--" "\"q\"""#);
        assert_eq!(unquoted(&line), cmd);
        assert_eq!(kernel_params(&line).count(), 1);
        assert_eq!(bootargs(None, &[]), "--");
        assert_eq!(unquoted("--").len(), 0, "no command: init runs the shell");
    }

    #[test]
    fn bundled_program_by_name() {
        let (archive, cmd) = bundled_initramfs(Some("exitcode"), &["3".into()], None).unwrap();
        assert_eq!(cmd, ["/bin/exitcode", "3"]);
        let text = String::from_utf8_lossy(&archive);
        for (name, _) in PROGRAMS {
            assert!(text.contains(&format!("bin/{name}\0")), "{name} is in the archive");
        }
        assert!(text.ends_with("TRAILER!!!\0\0\0\0") || text.contains("TRAILER!!!"));
        assert!(bundled_initramfs(Some("no-such-program"), &[], None).unwrap_err().contains("hello"));
        assert_eq!(bundled_initramfs(None, &[], None).unwrap().1, Vec::<String>::new());
    }

    #[test]
    fn host_program_replaces_a_bundled_one_of_its_name() {
        let dir = std::env::temp_dir().join(format!("sv39-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("hello");
        std::fs::write(&path, b"my own hello").unwrap();
        let (archive, cmd) = bundled_initramfs(path.to_str(), &["x".into()], None).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(cmd, ["/bin/hello", "x"]);
        let text = String::from_utf8_lossy(&archive);
        assert_eq!(text.matches("bin/hello\0").count(), 1);
        assert!(text.contains("my own hello"));
    }

    #[test]
    fn initrd_lands_where_qemu_puts_it_and_chosen_says_so() {
        use crate::machine::{Config, Machine};
        let image = elf::load_file(&Path::new(crate::GUEST_BIN_DIR).join("hello-bare")).unwrap();
        let initrd: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        let cfg = Config { initrd: Some(initrd.clone()), bootargs: Some("-- /bin/hello".into()), ..test_config() };
        let m = Machine::new(&cfg, image, Box::new(std::io::sink())).unwrap();
        let start = crate::board::initrd_address(sv39_arch::memmap::RAM_BASE, cfg.ram_size);
        assert_eq!(start, 0x8400_0000);
        let mut back = vec![0u8; initrd.len()];
        m.bus.ram.read_bytes(start, &mut back).unwrap();
        assert_eq!(back, initrd);
        let mut dtb = vec![0u8; 4096];
        m.bus.ram.read_bytes(m.harts[0].x[11], &mut dtb).unwrap();
        let has = |needle: &[u8]| dtb.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"linux,initrd-start\0") && has(b"linux,initrd-end\0") && has(b"-- /bin/hello\0"));
        assert!(has(&0x8400_0000u32.to_be_bytes()) && has(&(0x8400_0000u32 + 5000).to_be_bytes()));
    }

    #[test]
    fn an_initrd_too_big_for_ram_is_refused() {
        use crate::machine::{Config, Machine};
        let image = elf::load_file(&Path::new(crate::GUEST_BIN_DIR).join("hello-bare")).unwrap();
        let cfg = Config { initrd: Some(vec![0; 70 << 20]), ..test_config() };
        let err = Machine::new(&cfg, image, Box::new(std::io::sink())).err().unwrap();
        assert!(err.contains("does not fit") && err.contains("--mem"), "{err}");
    }

    fn test_config() -> crate::machine::Config {
        crate::machine::Config::bare(128 << 20, crate::mmu::walk::AdPolicy::Update)
    }

    #[test]
    fn seeds_are_numbers_or_random() {
        assert_eq!(parse_seed("0").unwrap(), Seed(vec![0; 8]));
        assert_eq!(parse_seed("258").unwrap().0[..2], [2, 1]);
        let (a, b) = (parse_seed("random").unwrap(), parse_seed("random").unwrap());
        assert_eq!(a.0.len(), 32);
        assert_ne!(a, b, "two host seeds differ");
        assert!(parse_seed("x1").unwrap_err().contains("not a seed"));
    }

    #[test]
    fn panic_status_is_explained() {
        assert!(explain(PANIC_STATUS as u64).is_some());
        assert!(explain(139).is_none());
    }

    #[test]
    fn bundled_files_are_riscv_elf() {
        for (name, data) in PROGRAMS.iter().chain([&("guest-os", KERNEL)]) {
            assert_eq!(&data[..4], b"\x7fELF", "{name}");
            assert_eq!(u16::from_le_bytes([data[18], data[19]]), 243, "{name} is EM_RISCV");
            let elf = goblin::elf::Elf::parse(data).unwrap();
            assert!(elf.syms.is_empty(), "{name} is bundled without its symbols");
            assert!(elf.program_headers.iter().any(|p| p.p_type == goblin::elf::program_header::PT_LOAD));
        }
    }
}
