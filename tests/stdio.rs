//! The guest's stdio is the host's (issue 12): `sv39 run` carries stdin,
//! stdout, stderr and the kernel's messages on the ports of a virtio
//! console, byte for byte when they are not a terminal; the same kernel on
//! `qemu-system-riscv64` with `-device virtio-serial-device` splits them
//! the same way, and falls back to the UART without it (tests/programs.rs).

mod common;
use common::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// `sv39 run ARGS` with `input` on stdin: (status, stdout, stderr) as bytes.
fn run_bytes(args: &[&str], input: &[u8]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let mut child = Command::new(SV39)
        .arg("run")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sv39 starts");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&data));
    let mut err_pipe = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    let _ = feeder.join();
    (status.code(), out, err.join().unwrap())
}

#[test]
fn stdout_redirected_to_a_file_has_no_carriage_returns() {
    let path = std::env::temp_dir().join(format!("sv39-stdout-{}.txt", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    let status = Command::new(SV39)
        .args(["run", "sh", "-c", "hello; echo two lines"])
        .stdin(Stdio::null())
        .stdout(file)
        .status()
        .unwrap();
    let text = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&text), "Hello, world!\ntwo lines\n");
}

#[test]
fn kernel_messages_go_to_stderr_or_a_file_or_nowhere() {
    let report = "[kernel] pid 2 (segv): SIGSEGV: load at 0x0";
    let (code, out, err) = run_bytes(&["segv"], b"");
    let err = String::from_utf8_lossy(&err);
    assert_eq!((code, out.as_slice()), (Some(139), &b""[..]), "{err}");
    assert!(err.starts_with(report) && err.lines().count() == 1, "one report on stderr: {err}");
    let (code, out, err) = run_bytes(&["--quiet", "segv"], b"");
    assert_eq!((code, out.len(), err.len()), (Some(139), 0, 0), "--quiet: {}", String::from_utf8_lossy(&err));
    let log = std::env::temp_dir().join(format!("sv39-kernel-log-{}.txt", std::process::id()));
    let (code, _, err) = run_bytes(&["--kernel-log", log.to_str().unwrap(), "segv"], b"");
    let logged = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    assert_eq!((code, err.len()), (Some(139), 0));
    assert!(logged.starts_with(report), "{logged}");
}

#[test]
fn a_programs_stderr_is_the_hosts_stderr() {
    let (code, out, err) = run_bytes(&["--quiet", "sh", "-c", "hello; ls /nope; echo after"], b"");
    assert_eq!(code, Some(0));
    assert_eq!(String::from_utf8_lossy(&out), "Hello, world!\nafter\n");
    assert_eq!(String::from_utf8_lossy(&err), "ls: cannot access '/nope': No such file or directory\n");
}

#[test]
fn piped_stdin_is_read_exactly_and_its_end_is_a_read_of_0() {
    // Every byte value, the tty's special ones (\r, ^D, DEL, ^C) among them.
    let input: Vec<u8> = (0..64 * 256).map(|i| (i * 7 + i / 256) as u8).collect();
    let (code, out, err) = run_bytes(&["cat"], &input);
    assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&err));
    assert!(out == input, "cat gave {} bytes back of {}", out.len(), input.len());
    // No newline at the end: cat ends only because read() returned 0.
    let (code, out, _) = run_bytes(&["cat"], b"no newline");
    assert_eq!((code, out.as_slice()), (Some(0), &b"no newline"[..]));
    let (code, out, _) = run_bytes(&["cat"], b"");
    assert_eq!((code, out.len()), (Some(0), 0), "empty stdin");
}

#[test]
fn a_tty_stream_echoes_and_turns_newlines_into_crlf() {
    // `tty=0,1` as `sv39 run` gives it on a terminal: the guest's line discipline.
    let (code, out, _) = run_bytes(&["--append", "tty=0,1", "cat"], b"ab\rcd\n");
    assert_eq!(code, Some(0));
    let text = String::from_utf8_lossy(&out);
    assert_eq!(text.replace("\r\n", "").matches('\n').count(), 0, "every \\n has its \\r: {text:?}");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.iter().filter(|l| **l == "ab").count(), 2, "echo and cat: {text:?}");
    assert_eq!(lines.iter().filter(|l| **l == "cd").count(), 2, "echo and cat: {text:?}");
}

#[test]
fn the_same_kernel_on_qemu_splits_the_streams_on_virtio_serial_ports() {
    if !qemu_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("sv39-virtio-serial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (out, err, log) = (file("out"), file("err"), file("log"));
    let args = [
        "-global".to_string(),
        "virtio-mmio.force-legacy=false".into(),
        "-device".into(),
        "virtio-serial-device".into(),
        "-chardev".into(),
        format!("file,id=c0,path={out}"),
        "-device".into(),
        "virtconsole,chardev=c0".into(),
        "-chardev".into(),
        format!("file,id=c1,path={err}"),
        "-device".into(),
        "virtserialport,chardev=c1,nr=1".into(),
        "-chardev".into(),
        format!("file,id=c2,path={log}"),
        "-device".into(),
        "virtserialport,chardev=c2,nr=2".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let command = ["sh", "-c", "hello; ls /nope; segv"];
    let r = qemu_system_run_with(&args, None, &command, None, Duration::from_secs(120));
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let (out, err, log) = (read(&out), read(&err), read(&log));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out, "Hello, world!\n", "stdout port; UART: {}", r.stdout);
    assert_eq!(err, "ls: cannot access '/nope': No such file or directory\nsh: segv: Segmentation fault (SIGSEGV)\n");
    assert!(log.starts_with("[kernel] pid ") && log.contains("(segv): SIGSEGV"), "kernel log port: {log}");
    assert!(!r.stdout.contains("Hello"), "nothing of the program's on the UART: {}", r.stdout);
}

/// A pseudo-terminal: the master side the test types on and reads, the
/// slave side sv39's streams are put on.
struct Pty {
    master: std::fs::File,
    slave: std::os::fd::OwnedFd,
}

/// A terminal's iflag, oflag and lflag.
type Settings = (libc::tcflag_t, libc::tcflag_t, libc::tcflag_t);

impl Pty {
    fn open() -> Pty {
        use std::os::fd::{FromRawFd, OwnedFd};
        let (mut master_fd, mut slave_fd) = (0, 0);
        // SAFETY: two ints to fill; no name, settings or size asked for.
        let made = unsafe {
            libc::openpty(&mut master_fd, &mut slave_fd, std::ptr::null_mut(), std::ptr::null(), std::ptr::null())
        };
        assert_eq!(made, 0, "openpty");
        // SAFETY: the master side, made non-blocking so that reads time out.
        unsafe { libc::fcntl(master_fd, libc::F_SETFL, libc::O_NONBLOCK) };
        // SAFETY: openpty gave us these two descriptors, each owned once here.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master_fd), OwnedFd::from_raw_fd(slave_fd)) };
        Pty { master: std::fs::File::from(master), slave }
    }

    /// The slave side, for one of a child's streams.
    fn io(&self) -> Stdio {
        Stdio::from(self.slave.try_clone().unwrap())
    }

    fn settings(&self) -> Settings {
        use std::os::fd::AsRawFd;
        // SAFETY: a termios to fill from an open terminal.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) }, 0);
        (t.c_iflag, t.c_oflag, t.c_lflag)
    }

    /// `sv39 run ARGS` with all three streams on the terminal.
    fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(SV39).arg("run").args(args).stdin(self.io()).stdout(self.io()).stderr(self.io()).spawn().unwrap()
    }

    /// Reads what the master side has until `want` shows up after byte
    /// `from` of `out` or thirty seconds pass (a loaded 2-core machine boots
    /// slowly; success returns at once); true if it did.
    fn read_until(&mut self, out: &mut Vec<u8>, from: usize, want: &[u8]) -> bool {
        self.read_until_within(out, from, want, Duration::from_secs(30))
    }

    /// `read_until` with its own time limit.
    fn read_until_within(&mut self, out: &mut Vec<u8>, from: usize, want: &[u8], limit: Duration) -> bool {
        let start = std::time::Instant::now();
        let mut buf = [0u8; 4096];
        let found = |out: &Vec<u8>| out[from.min(out.len())..].windows(want.len()).any(|w| w == want);
        while !found(out) && start.elapsed() < limit {
            match self.master.read(&mut buf) {
                Ok(n) if n > 0 => out.extend_from_slice(&buf[..n]),
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        found(out)
    }

    fn type_in(&mut self, keys: &[u8]) {
        self.master.write_all(keys).unwrap();
    }
}

/// On a terminal (a pty here): raw mode, the guest's echo and `\r\n`, the
/// shell's prompt; the terminal's settings come back at exit and after a
/// SIGTERM.
#[test]
fn on_a_terminal_the_guest_serves_it_and_the_settings_come_back() {
    let mut pty = Pty::open();
    let before = pty.settings();
    let mut shell = pty.spawn(&["--quiet"]);
    let mut out = Vec::new();
    pty.read_until(&mut out, 0, b"$ ");
    pty.type_in(b"echo hi\r");
    pty.read_until(&mut out, 0, b"hi\r\n$ ");
    pty.type_in(b"exit 3\r");
    let status = shell.wait().unwrap();
    pty.read_until(&mut out, 0, b"exit 3\r\n");
    assert_eq!(String::from_utf8_lossy(&out), "$ echo hi\r\nhi\r\n$ exit 3\r\n");
    assert_eq!(status.code(), Some(3));
    assert_eq!(pty.settings(), before, "the terminal's settings are back");
    let mut shell = pty.spawn(&["--quiet"]);
    let mut out = Vec::new();
    pty.read_until(&mut out, 0, b"$ ");
    assert_ne!(pty.settings(), before, "raw mode while the guest runs");
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(shell.id() as i32, libc::SIGTERM) };
    let status = shell.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert_eq!(pty.settings(), before, "back after SIGTERM too");
}

/// ^C is the guest's: the line discipline echoes it and sends SIGINT to
/// the foreground process group: at the prompt the shell's, which drops
/// the line; then the program's, whose death the shell reports.
#[test]
fn ctrl_c_ends_the_foreground_program_and_the_shell_prompts_again() {
    let mut pty = Pty::open();
    let before = pty.settings();
    // --realtime: on the instruction clock an idle guest's sleep is over at once.
    let mut shell = pty.spawn(&["--quiet", "--realtime"]);
    let started = std::time::Instant::now();
    let mut out = Vec::new();
    pty.read_until(&mut out, 0, b"$ ");
    // The echo first: by the time it is back the shell waits in read(), so
    // the ^C's SIGINT interrupts that read (sh has no pselect-style atomic
    // unblocking: a SIGINT just before its read() would not end the line).
    pty.type_in(b"half a line");
    pty.read_until(&mut out, 0, b"$ half a line");
    pty.type_in(b"\x03");
    assert!(pty.read_until(&mut out, 0, b"half a line^C\r\n[130] $ "), "{:?}", String::from_utf8_lossy(&out));
    pty.type_in(b"sleep 30\r");
    pty.read_until(&mut out, 0, b"sleep 30\r\n");
    let mark = out.len();
    // Until the shell has made sleep's group the foreground one, ^C goes
    // to the shell's, which ignores it: try again.
    let reported = b"^Csh: sleep: Interrupt (SIGINT)\r\n[130] $ ";
    while !pty.read_until_within(&mut out, mark, b"[130] $ ", Duration::from_secs(2))
        && started.elapsed() < Duration::from_secs(25)
    {
        pty.type_in(b"\x03");
    }
    assert!(out.ends_with(reported), "{:?}", String::from_utf8_lossy(&out));
    assert!(started.elapsed() < Duration::from_secs(25), "^C ended sleep before its 30 s");
    pty.type_in(b"exit\r");
    assert_eq!(shell.wait().unwrap().code(), Some(130), "exit gives the last status");
    assert_eq!(pty.settings(), before);
}

/// `c-tty` from linux-programs/c/tty.c (static glibc), built here once;
/// None without the cross compiler (a failure in CI).
fn c_tty() -> Option<std::path::PathBuf> {
    static BUILT: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_c_tty).clone()
}

fn build_c_tty() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/linux-programs");
    let program = out.join("c-tty");
    let made = Command::new("make")
        .args(["-s", "-C"])
        .arg(root.join("linux-programs"))
        .arg(format!("OUT={}", out.display()))
        .arg(&program)
        .env_remove("MAKEFLAGS")
        .status();
    match made {
        Ok(s) if s.success() => Some(program),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "cannot build c-tty: `make setup` installs the cross compiler");
            eprintln!("cannot build c-tty (riscv64-linux-gnu-gcc): skipped");
            None
        }
    }
}

/// A program's SIGINT handler runs on ^C, and the program goes on.
#[test]
fn a_handler_of_sigint_runs_on_ctrl_c() {
    let Some(program) = c_tty() else { return };
    let mut pty = Pty::open();
    let mut run = pty.spawn(&["--quiet", "--realtime", program.to_str().unwrap(), "sigint"]);
    let mut out = Vec::new();
    pty.read_until(&mut out, 0, b"ready\r\n");
    pty.type_in(b"\x03");
    pty.read_until(&mut out, 0, b"caught SIGINT\r\n");
    assert_eq!(run.wait().unwrap().code(), Some(0), "{:?}", String::from_utf8_lossy(&out));
    assert_eq!(String::from_utf8_lossy(&out), "ready\r\n^Ccaught SIGINT\r\n");
}

/// Each of the guest's fds 0, 1 and 2 is a terminal (isatty: TCGETS)
/// exactly when the host's is, and only output to the terminal gets `\r`.
#[test]
fn each_stream_is_a_terminal_exactly_when_the_hosts_is() {
    let Some(program) = c_tty() else { return };
    let file = std::env::temp_dir().join(format!("sv39-isatty-{}.txt", std::process::id()));
    let cases: [(&str, [bool; 3]); 4] = [
        ("0:tty 1:tty 2:tty", [true, true, true]),
        ("0:tty 1:notty 2:tty", [true, false, true]),
        ("0:notty 1:tty 2:tty", [false, true, true]),
        ("0:tty 1:tty 2:notty", [true, true, false]),
    ];
    for (want, on) in cases {
        let mut pty = Pty::open();
        let before = pty.settings();
        let stream = |on: bool| if on { pty.io() } else { Stdio::from(std::fs::File::create(&file).unwrap()) };
        let stdin = if on[0] { pty.io() } else { Stdio::null() };
        let mut run = Command::new(SV39)
            .args(["run", "--quiet", program.to_str().unwrap(), "isatty"])
            .stdin(stdin)
            .stdout(stream(on[1]))
            .stderr(stream(on[2]))
            .spawn()
            .unwrap();
        let status = run.wait().unwrap();
        let mut out = Vec::new();
        let shown = if on[1] { format!("{want}\r\n") } else { String::new() };
        if on[1] {
            pty.read_until(&mut out, 0, shown.as_bytes());
        }
        let written = std::fs::read_to_string(&file).unwrap_or_default();
        let _ = std::fs::remove_file(&file);
        assert_eq!(status.code(), Some(0), "{want}");
        assert_eq!(String::from_utf8_lossy(&out), shown, "on the terminal, {want}");
        assert_eq!(written, if on[1] { "" } else { "0:tty 1:notty 2:tty\n" }, "in the file, {want}");
        assert_eq!(pty.settings(), before, "{want}: the settings are back");
    }
}

/// ^A x ends sv39 itself, by SIGINT, with the terminal restored.
#[test]
fn ctrl_a_x_ends_sv39() {
    let mut pty = Pty::open();
    let before = pty.settings();
    let mut shell = pty.spawn(&["--quiet"]);
    let mut out = Vec::new();
    pty.read_until(&mut out, 0, b"$ ");
    pty.type_in(b"\x01x");
    let status = shell.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGINT));
    assert!(pty.read_until(&mut out, 0, b"sv39: ended by ^A x"), "{:?}", String::from_utf8_lossy(&out));
    assert_eq!(pty.settings(), before);
}
