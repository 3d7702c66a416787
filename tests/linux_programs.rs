//! Unmodified static riscv64 Linux programs (linux-programs/: C with glibc,
//! Rust std), built as users build theirs, run under `qemu-riscv64` (the
//! reference: Linux's ABI, served by the host kernel) and under `sv39 run`
//! (the bundled kernel); each case compares stdout and exit status.
//!
//! The first case to start runs `make -C linux-programs` (it rebuilds only
//! what changed) into `<target dir>/linux-programs/`, so `cargo test` alone
//! judges the current sources; `make linux-programs` at the root does the
//! same by hand. Without the cross toolchain (`riscv64-linux-gnu-gcc`, static
//! glibc, the `riscv64gc-unknown-linux-gnu` Rust target) or `qemu-riscv64`
//! the cases are skipped with a message, except in CI (`CI` set), where that
//! is a failure: `make` installs them all.
//!
//! `sv39 run --kernel-log FILE` gives the program's stdout and stderr as
//! they are (the kernel's own lines go to FILE, for failure reports), so each is compared byte for byte with
//! qemu-riscv64's, a Rust panic's thread id masked. Both runs get the
//! environment init gives a program (`INIT_ENVP`); no program depends on its
//! working directory, which under qemu-riscv64 is a scratch folder (where a
//! core file of the SIGSEGV case may land).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use sv39_abi::bootargs::INIT_ENVP;

const LINUX_TARGET: &str = "riscv64gc-unknown-linux-gnu";
const CC: &str = "riscv64-linux-gnu-gcc";

/// The folder of built programs, or None (after saying why) when this
/// machine cannot build or judge them.
fn programs() -> Option<&'static Path> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build).as_deref()
}

/// Checks the tools, then brings the programs up to date with their make.
fn build() -> Option<PathBuf> {
    if let Some(missing) = missing_toolchain() {
        assert!(std::env::var_os("CI").is_none(), "{missing} is missing in CI: `make setup` installs it");
        eprintln!("{missing} not found: skipping the Linux programs (run `make setup` to install it)");
        return None;
    }
    if !qemu_user_available() {
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // CARGO_TARGET_TMPDIR is <target dir>/tmp, wherever the target dir is.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("linux-programs");
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut make = Command::new("make");
    make.arg("-s").arg(format!("-j{jobs}")).arg("-C").arg(root.join("linux-programs"));
    make.arg(format!("OUT={}", out.display()));
    // Its own build, not a part of an outer make's (`make test`) job server.
    for var in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL"] {
        make.env_remove(var);
    }
    let start = Instant::now();
    let made = run_with_limit(make, Duration::from_secs(900));
    assert_eq!(made.code, Some(0), "make -C linux-programs failed:\n{}{}", made.stdout, made.stderr);
    eprintln!("linux-programs: up to date in {:.1?}", start.elapsed());
    Some(out)
}

/// What of the cross toolchain is missing, if anything.
fn missing_toolchain() -> Option<String> {
    // gcc prints the bare name back when it has no such file.
    let libc = Command::new(CC).arg("-print-file-name=libc.a").output();
    match libc {
        Err(_) => return Some(format!("{CC} (gcc-riscv64-linux-gnu)")),
        Ok(o) if !Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_absolute() => {
            return Some("static glibc for riscv64 (libc6-dev-riscv64-cross)".into())
        }
        Ok(_) => {}
    }
    let libdir = Command::new("rustc").args(["--print", "target-libdir", "--target", LINUX_TARGET]).output();
    match libdir {
        Ok(o) if Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_dir() => None,
        _ => Some(format!("the Rust target {LINUX_TARGET}")),
    }
}

/// The shell's view of a run: the exit code, or 128 + the killing signal.
fn status(r: &Run) -> i32 {
    r.code.unwrap_or_else(|| 128 + r.signal.unwrap_or(0))
}

/// `qemu-riscv64 PROGRAM ARGS` with init's environment, in a scratch folder.
fn qemu_user(program: &Path, args: &[&str]) -> Run {
    // Found on the test's PATH: the program's own PATH (/bin) may not hold it.
    let qemu = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("qemu-riscv64"))
        .find(|p| p.is_file())
        .expect("qemu-riscv64 is on PATH");
    let mut cmd = Command::new(qemu);
    cmd.arg(program).args(args).current_dir(env!("CARGO_TARGET_TMPDIR")).env_clear();
    cmd.envs(INIT_ENVP.iter().filter_map(|e| e.split_once('=')));
    run_with_limit(cmd, Duration::from_secs(120))
}

/// `sv39 run PROGRAM ARGS`, and the kernel's messages of the run, for
/// failure reports (the kernel names there each system call it lacks).
fn sv39_run(program: &Path, args: &[&str]) -> (Run, String) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("linux-programs-{}-{n}.log", std::process::id()));
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("--kernel-log").arg(&log).arg(program).args(args);
    let run = run_with_limit(cmd, Duration::from_secs(300));
    let messages = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    (run, messages)
}

/// Rust std names a panicking thread with its id ("thread 'main' (1234)
/// panicked at"), which differs between systems: the id becomes N.
fn mask_thread_id(line: &str) -> String {
    if let (Some(open), Some(close)) = (line.find("' ("), line.find(") panicked at")) {
        if open + 3 < close && line[open + 3..close].bytes().all(|b| b.is_ascii_digit()) {
            return format!("{}' (N{}", &line[..open], &line[close..]);
        }
    }
    line.to_string()
}

/// `text` with each line's thread id masked.
fn masked(text: &str) -> String {
    text.lines().map(|l| mask_thread_id(l) + "\n").collect()
}

/// Runs `program ARGS` on both; it must end with `want_status` and print
/// `want_stdout` somewhere in its stdout under qemu-riscv64, and `sv39 run`
/// must give the same status, stdout and stderr.
fn compare(program: &str, args: &[&str], want_status: i32, want_stdout: &str) {
    let Some(dir) = programs() else { return };
    let path = dir.join(program);
    let reference = qemu_user(&path, args);
    assert!(
        status(&reference) == want_status && reference.stdout.contains(want_stdout),
        "{program} {args:?} under qemu-riscv64: status {}, want {want_status} and {want_stdout:?} on stdout\n\
         --- stdout\n{}--- stderr\n{}",
        status(&reference),
        reference.stdout,
        reference.stderr
    );
    let (run, kernel_log) = sv39_run(&path, args);
    let (stdout, stderr) = (run.stdout.clone(), masked(&run.stderr));
    let want_stderr = masked(&reference.stderr);
    assert!(
        (status(&run), &stdout, &stderr) == (status(&reference), &reference.stdout, &want_stderr),
        "{program} {args:?}: sv39 run gave status {}, qemu-riscv64 {}\n--- sv39 stdout\n{stdout}\
         --- qemu-riscv64 stdout\n{}--- sv39 stderr\n{stderr}--- qemu-riscv64 stderr\n{want_stderr}\
         --- the kernel's messages\n{kernel_log}\
         (`sv39 run --trace syscall {}` shows each system call)",
        status(&run),
        status(&reference),
        reference.stdout,
        path.display()
    );
}

/// One test per program run: name, program, arguments, the status it must
/// end with and a piece of what it must print.
macro_rules! cases {
    ($($test:ident: $program:literal $args:expr => $status:literal, $stdout:literal;)*) => {
        $(
            #[test]
            fn $test() {
                compare($program, $args, $status, $stdout);
            }
        )*
    };
}

cases! {
    c_hello: "c-hello" &[] => 0, "Hello from C (static glibc)\n";
    c_printf_doubles: "c-doubles" &[] => 0, "1/3 rounded upward     0x1.5555555555556p-2\n";
    c_malloc: "c-malloc" &[] => 0, "big block: 16 MiB\n";
    c_qsort: "c-qsort" &[] => 0, "qsort: 200000 integers sorted";
    c_fork_exec_wait: "c-forkexec" &[] => 0, "hello from exec\necho exited with 0\n";
    c_mmap_file: "c-mmapfile" &[] => 0, "the write reached the file: shared!\n";
    c_pipe: "c-pipe" &[] => 0, "line two through cat\nparent to cat: cat exited with 0\n";
    c_env_and_argv: "c-env" &["one", "two words", "", "-x"] => 0,
        "argc 5, program c-env\nargv[1] = [one]\nargv[2] = [two words]\nargv[3] = []\nargv[4] = [-x]\nHOME=/\nPATH=/bin\n";
    c_exit_code: "c-exit" &["42"] => 42, "exiting with 42\natexit handler ran\n";
    c_exit_zero: "c-exit" &["0"] => 0, "atexit handler ran\n";
    c_killed_by_sigsegv: "c-segv" &[] => 139, "storing to address 16\n";
    c_sessions_and_process_groups: "c-tty" &["session"] => 0,
        "setsid: a new session and group, no terminal\nsetpgid: groups made and joined\nkill(-pgid): the whole group\n";
    c_isatty_without_a_terminal: "c-tty" &["isatty"] => 0, "0:notty 1:notty 2:notty\n";
    rust_hello: "rs-hello" &[] => 0, "Hello from Rust (std, static)\n";
    rust_collections_and_floats: "rs-collections" &[] => 0, "H(1000) = 7.485470860550";
    rust_fs: "rs-files" &[] => 0, "removed the directory and everything in it\n";
    rust_command: "rs-command" &[] => 0, "echo said: hello from echo\n";
    rust_panic_exits_101: "rs-panic" &["1", "2"] => 101, "about to panic\nunwinding ran the destructor\n";
    c_pthreads: "c-threads" &[] => 3, "a thread calls exit(3) while main waits in pthread_join\n";
    c_futex: "c-futex" &[] => 0, "CMP_REQUEUE, wake 1, move 2: 3\n";
    c_signals_and_thread_groups: "c-threadsig" &[] => 0,
        "kill to the process: the handler ran in the thread that does not block it: yes\n";
    rust_threads: "rs-threads" &[] => 0, "main still running after the panic; exiting 0\n";
}

/// The programs with threads, run one after another in one boot.
const THREADED: &[&str] = &["c-threads", "c-futex", "c-threadsig", "rs-threads"];

/// Every frame the threaded programs used is free again once they have
/// ended: /proc/meminfo before and after, in one boot whose initramfs holds
/// them beside the bundled programs (`sv39 run` installs one host file).
#[test]
fn every_frame_is_free_again_after_the_threaded_programs() {
    let Some(dir) = programs() else { return };
    let mut archive = sv39::run::initramfs::Archive::new();
    for (name, data) in sv39::run::PROGRAMS {
        archive.file(&format!("bin/{name}"), 0o755, data);
    }
    for name in THREADED {
        let data = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        archive.file(&format!("bin/{name}"), 0o755, &data);
    }
    let initrd = Path::new(env!("CARGO_TARGET_TMPDIR")).join("threaded-programs.cpio");
    std::fs::write(&initrd, archive.finish()).unwrap();
    // In a shell of their own, so that what it allocates is freed too.
    let runs: Vec<String> = THREADED.iter().map(|p| format!("{p}; echo {p} status $?")).collect();
    let line = format!("cat /proc/meminfo; sh -c '{}'; cat /proc/meminfo", runs.join("; "));
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("--initrd").arg(&initrd).args(["sh", "-c", &line]);
    let run = run_with_limit(cmd, Duration::from_secs(300));
    let console = &run.stdout;
    for (program, want) in THREADED.iter().zip([3, 0, 0, 0]) {
        assert!(console.contains(&format!("{program} status {want}\n")), "{program} status {want} in\n{console}");
    }
    let unused: Vec<u64> = console.split("MemTotal:").skip(1).filter_map(sv39_abi::procfs::frames_unused).collect();
    assert_eq!(unused.len(), 2, "two readings of the frames in\n{console}");
    assert_eq!(unused[0], unused[1], "frames lost by the threaded programs:\n{console}");
}

/// Debian's riscv64 cross libc (libc6-riscv64-cross), which `make setup`
/// installs: the sysroot both qemu-riscv64 and sv39 take with -L.
const SYSROOT: &str = "/usr/riscv64-linux-gnu";

/// Without a sysroot, a dynamically linked program gets one line that says
/// what to give.
#[test]
fn a_dynamically_linked_program_without_a_sysroot_gets_one_clear_line() {
    let Some(dir) = programs() else { return };
    let program = dir.join("c-hello-dynamic");
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg(&program).env_remove("QEMU_LD_PREFIX");
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let line = format!(
        "sv39: error: {}: dynamically linked (its interpreter is /lib/ld-linux-riscv64-lp64d.so.1): give the \
         riscv64 sysroot with -L DIR (or QEMU_LD_PREFIX), as qemu-riscv64 takes it, or link with -static\n",
        program.display()
    );
    assert_eq!(run.stderr, line, "one line");
    assert_eq!(run.stdout, "", "the machine never boots");
}

/// `sv39 run -L SYSROOT` as `qemu-riscv64 -L SYSROOT`: the kernel loads
/// PT_INTERP's ld.so, which maps libc.so.6 with mmap; the same output.
#[test]
fn a_dynamically_linked_program_runs_with_its_sysroot() {
    let Some(dir) = programs() else { return };
    let program = dir.join("c-hello-dynamic");
    let mut qemu = Command::new("qemu-riscv64");
    qemu.arg("-L").arg(SYSROOT).arg(&program);
    let reference = run_with_limit(qemu, Duration::from_secs(60));
    assert_eq!(reference.code, Some(0), "{}", reference.stderr);
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("-L").arg(SYSROOT).arg(&program);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!((run.code, run.stdout), (Some(0), reference.stdout), "{}", run.stderr);
    let mut by_env = Command::new(SV39);
    by_env.arg("run").arg(&program).env("QEMU_LD_PREFIX", SYSROOT);
    assert_eq!(run_with_limit(by_env, Duration::from_secs(60)).code, Some(0), "QEMU_LD_PREFIX as -L");
}

/// Programs of the static cases built dynamically linked (linux-programs/
/// Makefile's DYNAMIC): threads, futexes, malloc, pipes, libm under ld.so.
#[test]
fn dynamically_linked_programs_do_as_under_qemu() {
    let Some(dir) = programs() else { return };
    for name in ["threads", "futex", "malloc", "pipe", "qsort", "doubles"] {
        let program = dir.join(format!("c-{name}-dynamic"));
        let mut qemu = Command::new("qemu-riscv64");
        qemu.arg("-L").arg(SYSROOT).arg(&program);
        let reference = run_with_limit(qemu, Duration::from_secs(120));
        let mut cmd = Command::new(SV39);
        cmd.arg("run").arg("-L").arg(SYSROOT).arg(&program);
        let run = run_with_limit(cmd, Duration::from_secs(120));
        let stderr: String = run.stderr.split_inclusive('\n').filter(|l| !l.starts_with("[kernel]")).collect();
        let ours = (status(&run), run.stdout.as_str(), stderr.as_str());
        let theirs = (status(&reference), reference.stdout.as_str(), reference.stderr.as_str());
        assert_eq!(ours, theirs, "c-{name}-dynamic: sv39 run -L against qemu-riscv64 -L\n{}", run.stderr);
    }
}

/// The seeds' point about shared libraries: a process exec'd anew maps
/// libc.so.6 through ld.so from the page cache, so its libc text is the
/// frames its parent maps (Shared_Clean), and /proc/PID/maps names the
/// file. (qemu-riscv64 cannot execve a riscv64 program without binfmt_misc,
/// so this one runs on sv39 only.)
#[test]
fn two_processes_share_the_text_of_libc() {
    let Some(dir) = programs() else { return };
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("-L").arg(SYSROOT).arg(dir.join("c-libshare-dynamic")).arg("-v");
    let run = run_with_limit(cmd, Duration::from_secs(60));
    let out = run.stdout;
    assert_eq!(run.code, Some(0), "{out}{}", run.stderr);
    assert!(out.contains("child: libc text (r-xp) mapped from libc.so.6\n"), "{out}");
    let kb: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("child: Shared_Clean ")?.strip_suffix(" kB")?.parse().ok())
        .unwrap_or_else(|| panic!("no Shared_Clean in\n{out}"));
    assert!(kb >= 128, "libc's and ld.so's text touched by both are shared: {kb} kB\n{out}");
}

#[test]
fn thread_ids_are_masked() {
    assert_eq!(
        masked("thread 'main' (31337) panicked at a.rs:1:1:\nboom\n"),
        "thread 'main' (N) panicked at a.rs:1:1:\nboom\n"
    );
    assert_eq!(mask_thread_id("thread 'x' (12a) panicked at"), "thread 'x' (12a) panicked at");
}

/// stdout and stderr into one pipe (`2>&1`) keep the order the program
/// wrote them in, as under qemu-riscv64: each write is one host write.
#[test]
fn stdout_and_stderr_interleave_as_under_qemu_user() {
    let Some(dir) = programs() else { return };
    let program = dir.join("rs-panic");
    let both = |tool: &[&str]| {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("exec \"$@\" 2>&1").arg("sh").args(tool).arg(&program).arg("1");
        cmd.current_dir(env!("CARGO_TARGET_TMPDIR")).env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        run_with_limit(cmd, Duration::from_secs(120))
    };
    let reference = both(&["qemu-riscv64"]);
    let ours = both(&[SV39, "run", "--quiet"]);
    assert_eq!(status(&ours), status(&reference));
    assert_eq!(masked(&ours.stdout), masked(&reference.stdout));
    assert!(reference.stdout.contains("about to panic\n") && reference.stdout.contains("panicked at"));
}
