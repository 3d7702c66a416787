//! The bundled user programs (guest-programs/programs) are static riscv64
//! Linux ELFs, so each runs under `qemu-riscv64` (QEMU's Linux user mode, on
//! this host) as well as under `sv39 run` on the bundled kernel. The QEMU runs
//! judge the programs and the runtime; the sv39 runs judge the kernel, against
//! the same expectations and against QEMU's output.
//!
//! Under qemu-riscv64, `execve` goes to the host kernel, which cannot run a
//! riscv64 ELF here (no binfmt_misc); init and sh are tested there by running
//! host programs (/bin/true, /bin/sh), and under sv39 with bundled ones.
//! Under `sv39 run` the program's stdout and stderr share the console.

mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

/// The shell's view of a run: the exit code, or 128 + the killing signal.
fn status(r: &Run) -> i32 {
    r.code.unwrap_or_else(|| 128 + r.signal.unwrap_or(0))
}

fn qemu_user(prog: &str, args: &[&str], input: Option<&str>) -> Run {
    let mut cmd = Command::new("qemu-riscv64");
    cmd.arg(guest_bin(prog)).args(args);
    run_with_input(cmd, input.map(str::as_bytes), Duration::from_secs(60))
}

/// `sv39 run [PROGRAM ARGS...]`: the console as stdout, with the host's
/// line ends and without the kernel's own lines (`[kernel] ...`).
fn sv39_run(command: &[&str], input: Option<&str>) -> Run {
    sv39_run_with(&[], command, input)
}

/// `sv39 run OPTIONS [PROGRAM ARGS...]`, as [`sv39_run`].
fn sv39_run_with(options: &[&str], command: &[&str], input: Option<&str>) -> Run {
    let mut run = sv39_run_console(options, command, input.map(str::as_bytes));
    run.stdout = without_kernel_lines(&run.stdout);
    run
}

/// The bundled kernel and programs on `qemu-system-riscv64 -M virt`, booted
/// as `sv39 run` boots them, without the kernel's own lines.
fn qemu_system(command: &[&str], input: Option<&str>) -> Run {
    let mut run = qemu_system_run(None, command, input.map(str::as_bytes), Duration::from_secs(120));
    run.stdout = without_kernel_lines(&run.stdout);
    run
}

#[derive(Clone, Copy)]
enum Engine {
    QemuUser,
    QemuSystem,
    /// `sv39 run` with these options.
    Sv39(&'static [&'static str]),
}

impl Engine {
    fn run(self, c: &Case) -> Run {
        match self {
            Engine::QemuUser => qemu_user(c.prog, c.args, c.input),
            Engine::QemuSystem => qemu_system(&[&[c.prog], c.args].concat(), c.input),
            Engine::Sv39(options) => sv39_run_with(options, &[&[c.prog], c.args].concat(), c.input),
        }
    }

    /// The stdout to judge. On the bundled kernel that is the console without
    /// the lines the program writes to stderr (which qemu-riscv64 shows apart).
    fn stdout(self, c: &Case, run: &Run) -> String {
        if let Engine::QemuUser = self {
            return run.stdout.clone();
        }
        let stderr = if qemu_user_available() { qemu_user(c.prog, c.args, c.input).stderr } else { String::new() };
        run.stdout.split_inclusive('\n').filter(|l| !stderr.lines().any(|e| e == l.trim_end())).collect()
    }
}

/// What a program must print on stdout.
enum Out {
    Exact(&'static str),
    Contains(&'static [&'static str]),
}

/// One program run and what it must do, wherever it runs.
struct Case {
    prog: &'static str,
    args: &'static [&'static str],
    input: Option<&'static str>,
    status: i32,
    stdout: Out,
}

const fn case(prog: &'static str, args: &'static [&'static str], status: i32, stdout: Out) -> Case {
    Case { prog, args, input: None, status, stdout }
}

/// Cases whose output does not depend on the system they run on.
const PORTABLE: &[Case] = &[
    case("hello", &[], 0, Out::Exact("Hello, world!\n")),
    case("echo", &["a", "b  c", ""], 0, Out::Exact("a b  c \n")),
    case("echo", &["-n", "no newline"], 0, Out::Exact("no newline")),
    case("exitcode", &["0"], 0, Out::Exact("")),
    case("exitcode", &["42"], 42, Out::Exact("")),
    case("exitcode", &["255"], 255, Out::Exact("")),
    case("exitcode", &[], 2, Out::Exact("")),
    case("segv", &[], 139, Out::Exact("")),
    case("tour", &[], 0, Out::Contains(&["tour: pid", "memory:", "touch 64 pages:", "exit statuses [0, 1, 2]"])),
];

/// Runs `c` on `engine`; describes what went wrong, if anything.
fn judge(c: &Case, engine: Engine) -> Option<String> {
    let run = engine.run(c);
    let stdout = engine.stdout(c, &run);
    let out_ok = match &c.stdout {
        Out::Exact(s) => stdout == *s,
        Out::Contains(parts) => parts.iter().all(|p| stdout.contains(p)),
    };
    (status(&run) != c.status || !out_ok).then(|| {
        let (got, want) = (status(&run), c.status);
        format!(
            "{} {:?}: status {got}, want {want}\n--- stdout\n{}--- stderr\n{}",
            c.prog, c.args, run.stdout, run.stderr
        )
    })
}

fn check_all(cases: &[Case], engine: Engine) {
    let failures: Vec<String> = cases.iter().filter_map(|c| judge(c, engine)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn portable_programs_on_qemu_user() {
    if qemu_user_available() {
        check_all(PORTABLE, Engine::QemuUser);
    }
}

#[test]
fn cat_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    let dir = tempdir("cat");
    let file = dir.join("f.txt");
    std::fs::write(&file, "line 1\nline 2\n").unwrap();
    let f = file.to_str().unwrap();
    let r = qemu_user("cat", &[f, "-", f], Some("from stdin\n"));
    assert_eq!((status(&r), r.stdout.as_str()), (0, "line 1\nline 2\nfrom stdin\nline 1\nline 2\n"));
    let r = qemu_user("cat", &["/no/such/file", f], None);
    assert_eq!(status(&r), 1);
    assert_eq!(r.stdout, "line 1\nline 2\n", "cat goes on after a missing file");
    assert_eq!(r.stderr, "cat: /no/such/file: No such file or directory\n");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn ls_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    let dir = tempdir("ls");
    for name in ["b", "a", ".hidden"] {
        std::fs::write(dir.join(name), "12345").unwrap();
    }
    std::fs::create_dir(dir.join("sub")).unwrap();
    let d = dir.to_str().unwrap();
    assert_eq!(qemu_user("ls", &[d], None).stdout, "a\nb\nsub\n");
    assert_eq!(qemu_user("ls", &["-a", d], None).stdout, ".\n..\n.hidden\na\nb\nsub\n");
    let long = qemu_user("ls", &["-l", d], None).stdout;
    assert!(long.starts_with("-rw-r--r--  1        5 a\n"), "{long}");
    assert!(long.lines().nth(2).unwrap().starts_with("drwx"), "{long}");
    let r = qemu_user("ls", &["/no/such/dir"], None);
    assert_eq!((status(&r), r.stderr.as_str()), (2, "ls: cannot access '/no/such/dir': No such file or directory\n"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sh_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    let sh = |line: &str| qemu_user("sh", &["-c", line], None);
    let r = sh("echo $?; /bin/false; echo $?; nothere; echo $?; /bin/true && echo and; /bin/false || echo or");
    assert_eq!(r.stdout, "0\n1\n127\nand\nor\n");
    assert_eq!(r.stderr, "sh: nothere: not found\n");
    let r = sh("cd /; pwd; cd /no/such; echo \"status $?\" 'not $?' a\\ b # a comment");
    assert_eq!(r.stdout, "/\nstatus 1 not $? a b\n");
    assert_eq!(status(&sh("exit 7; echo never")), 7);
    let r = sh("/bin/sh -c 'kill -SEGV $$'; echo $?");
    assert_eq!(r.stdout, "139\n");
    assert!(r.stderr.contains("Segmentation fault (SIGSEGV)"), "{}", r.stderr);
    let r = qemu_user("sh", &[], Some("echo one\n/bin/false\nexit\necho never\n"));
    assert_eq!((status(&r), r.stdout.as_str()), (1, "one\n"), "exit without a number keeps $?");
    assert_eq!(status(&sh("echo \"unterminated")), 2);
}

#[test]
fn init_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    // Not pid 1 here, so init exits with the status it would power off with.
    assert_eq!(status(&qemu_user("init", &["/bin/sh", "-c", "exit 5"], None)), 5);
    assert_eq!(status(&qemu_user("init", &["/bin/sh", "-c", "kill -KILL $$"], None)), 137);
    let r = qemu_user("init", &["no-such-program"], None);
    assert_eq!((status(&r), r.stderr.as_str()), (127, "init: no-such-program: No such file or directory\n"));
}

#[test]
fn robustness_programs_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    // QEMU 7.2's nanosleep ignores a bad pointer (linux-user/syscall.c does not
    // check target_to_host_timespec), so it is left out here; Linux and the
    // sv39 kernel give EFAULT.
    let r = qemu_user("efault", &["--skip", "nanosleep"], None);
    assert_eq!(status(&r), 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" passed, 0 failed"), "{}", r.stdout);
    let r = qemu_user("forkbomb", &["16"], None);
    assert_eq!(
        (status(&r), r.stdout.as_str()),
        (0, "forkbomb: 16 children until the limit; reaped all, 0 failed; fork works again: true\n")
    );
    let r = qemu_user("hog", &["8"], None);
    assert_eq!((status(&r), r.stdout.as_str()), (0, "hog: stopped at the limit of 8 MiB\n"));
    // Without a limit of its own, hog meets the one on QEMU's address space.
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("ulimit -v 400000 && exec qemu-riscv64 {}", guest_bin("hog").display()));
    let r = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(status(&r), 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("hog: ENOMEM after "), "{}", r.stdout);
}

/// A fresh directory under the system's temporary one.
fn tempdir(what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sv39-programs-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---- on the bundled kernel -------------------------------------------------

/// The frames no process holds (free, or cached file pages) in each
/// /proc/meminfo of `console`, in order.
fn frames_unused(console: &str) -> Vec<u64> {
    console.split("MemTotal:").skip(1).filter_map(sv39_abi::procfs::frames_unused).collect()
}

#[test]
fn every_frame_is_free_again_after_the_test_programs() {
    // In a shell of their own, so that what it allocates is freed too.
    let line = "cat /proc/meminfo; sh -c 'efault; forkbomb; hog; segv; tour; exitcode 3'; cat /proc/meminfo";
    let r = sv39_run(&["sh", "-c", line], None);
    let unused = frames_unused(&r.stdout);
    assert_eq!(unused.len(), 2, "two readings of the frames in\n{}", r.stdout);
    assert_eq!(unused[0], unused[1], "frames lost by the test programs:\n{}", r.stdout);
}

#[test]
fn portable_programs_on_sv39_match_qemu() {
    check_all(PORTABLE, Engine::Sv39(&[]));
}

#[test]
fn portable_programs_on_sv39_with_ad_faults() {
    check_all(PORTABLE, Engine::Sv39(&["--ad=fault"]));
}

#[test]
fn portable_programs_on_qemu_system() {
    if qemu_available() {
        check_all(PORTABLE, Engine::QemuSystem);
    }
}

#[test]
fn robustness_programs_on_sv39() {
    let r = sv39_run(&["efault"], None);
    assert_eq!(status(&r), 0, "{}", r.stdout);
    assert!(r.stdout.contains(" passed, 0 failed"), "{}", r.stdout);
    let r = sv39_run(&["forkbomb"], None);
    assert_eq!(status(&r), 0, "{}", r.stdout);
    assert!(r.stdout.contains("until fork refused; reaped all, 0 failed; fork works again: true"), "{}", r.stdout);
    let r = sv39_run(&["hog"], None);
    assert!(status(&r) == 0 && r.stdout.contains("hog: ENOMEM after ") || status(&r) == 128 + 9, "{}", r.stdout);
    let r = sv39_run(&["sh", "-c", "forkbomb; hog; echo the shell still works"], None);
    assert!(r.stdout.contains("the shell still works"), "{}", r.stdout);
}

#[test]
fn shell_and_init_on_sv39() {
    let r = sv39_run(&["sh", "-c", "hello; exitcode 3; echo $?; segv; echo $?; cd /bin; pwd; exit 4"], None);
    assert_eq!(status(&r), 4, "{}", r.stdout);
    for want in ["Hello, world!\n", "3\n", "139\n", "/bin\n"] {
        assert!(r.stdout.contains(want), "{want:?} in {}", r.stdout);
    }
    // No program: init runs the shell on the console.
    let r = sv39_run(&[], Some("echo typed\nexit 6\n"));
    assert_eq!(status(&r), 6, "{}", r.stdout);
    // Piped input keeps its first byte (the shell ran `echo`, not `cho`);
    // stdin is not a terminal, so nothing echoes it and the shell shows no prompt.
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("typed\n", ""));
    let mut names: Vec<&str> = sv39::run::PROGRAMS.iter().map(|p| p.0).collect();
    names.sort();
    let r = sv39_run(&["ls", "/bin"], None);
    assert_eq!(r.stdout, names.iter().map(|n| format!("{n}\n")).collect::<String>());
}

#[test]
fn run_options() {
    // --initrd: an archive made by GNU cpio, as a user would make one.
    let dir = tempdir("initrd");
    std::fs::create_dir(dir.join("bin")).unwrap();
    for prog in ["init", "hello"] {
        std::fs::copy(guest_bin(prog), dir.join("bin").join(prog)).unwrap();
    }
    let mut cpio = Command::new("sh");
    cpio.current_dir(&dir).args(["-c", "find bin | cpio -o -H newc > root.cpio"]);
    let made = run_with_limit(cpio, Duration::from_secs(60));
    if made.code == Some(0) {
        let archive = dir.join("root.cpio");
        let r = sv39_run(&["--initrd", archive.to_str().unwrap(), "hello"], None);
        assert_eq!((status(&r), r.stdout.as_str()), (0, "Hello, world!\n"), "{}", r.stderr);
    } else {
        assert!(std::env::var_os("CI").is_none(), "cpio is needed in CI: {}", made.stderr);
        eprintln!("cpio not found: skipping `sv39 run --initrd`");
    }
    std::fs::remove_dir_all(dir).unwrap();
    // --kernel and --append reach the machine: the kernel's verbose boot log.
    let kernel = guest_bin("guest-os");
    let mut cmd = Command::new(SV39);
    cmd.args(["run", "--append", "verbose", "--kernel"]).arg(&kernel).args(["echo", "hi"]);
    let r = run_with_limit(cmd, Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("[kernel] init: /bin/init") && r.stdout == "hi\n", "{}{}", r.stdout, r.stderr);
    // Errors of the tool: status 2 and one line.
    let r = sv39_run(&["no-such-program"], None);
    assert_eq!(status(&r), 2);
    assert!(r.stderr.contains("no-such-program: no such file, and no bundled program of that name"), "{}", r.stderr);
    let r = sv39_run(&["--mem", "2M", "hello"], None);
    assert_eq!(status(&r), 2);
    assert!(r.stderr.contains("does not fit") && r.stderr.contains("--mem"), "{}", r.stderr);
}
