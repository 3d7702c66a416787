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
    let status = Command::new(SV39).args(["run", "sh", "-c", "hello; echo two lines"]).stdout(file).status().unwrap();
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
fn a_tty_port_echoes_and_turns_newlines_into_crlf() {
    // `tty=0` as `sv39 run` gives it on a terminal: the guest's line discipline.
    let (code, out, _) = run_bytes(&["--append", "tty=0", "cat"], b"ab\rcd\n");
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

/// Reads what the terminal's master side has until `want` shows up or
/// ten seconds pass; all it read.
fn read_until(master: &mut std::fs::File, out: &mut Vec<u8>, want: &[u8]) {
    let start = std::time::Instant::now();
    let mut buf = [0u8; 4096];
    while !out.windows(want.len()).any(|w| w == want) && start.elapsed() < Duration::from_secs(10) {
        match master.read(&mut buf) {
            Ok(n) if n > 0 => out.extend_from_slice(&buf[..n]),
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// On a terminal (a pty here): raw mode, the guest's echo and `\r\n`, the
/// shell's prompt; the terminal's settings come back at exit and after a
/// SIGTERM.
#[test]
fn on_a_terminal_the_guest_serves_it_and_the_settings_come_back() {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master_fd, mut slave_fd) = (0, 0);
    // SAFETY: two ints to fill; no name, settings or size asked for.
    let made = unsafe {
        libc::openpty(&mut master_fd, &mut slave_fd, std::ptr::null_mut(), std::ptr::null(), std::ptr::null())
    };
    assert_eq!(made, 0, "openpty");
    // SAFETY: openpty gave us these two descriptors, each owned once here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master_fd), OwnedFd::from_raw_fd(slave_fd)) };
    // SAFETY: the master side, made non-blocking so that reads time out.
    unsafe { libc::fcntl(master_fd, libc::F_SETFL, libc::O_NONBLOCK) };
    let settings = |fd: i32| {
        // SAFETY: a termios to fill from an open terminal.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        (t.c_iflag, t.c_oflag, t.c_lflag)
    };
    let before = settings(slave_fd);
    let spawn = || {
        let io = || Stdio::from(slave.try_clone().unwrap());
        Command::new(SV39).args(["run", "--quiet"]).stdin(io()).stdout(io()).stderr(io()).spawn().unwrap()
    };
    let mut master = std::fs::File::from(master);
    let mut shell = spawn();
    let mut out = Vec::new();
    read_until(&mut master, &mut out, b"$ ");
    master.write_all(b"echo hi\r").unwrap();
    read_until(&mut master, &mut out, b"hi\r\n$ ");
    master.write_all(b"exit 3\r").unwrap();
    let status = shell.wait().unwrap();
    read_until(&mut master, &mut out, b"exit 3\r\n");
    assert_eq!(String::from_utf8_lossy(&out), "$ echo hi\r\nhi\r\n$ exit 3\r\n");
    assert_eq!(status.code(), Some(3));
    assert_eq!(settings(slave_fd), before, "the terminal's settings are back");
    let mut shell = spawn();
    let mut out = Vec::new();
    read_until(&mut master, &mut out, b"$ ");
    assert_ne!(settings(slave_fd), before, "raw mode while the guest runs");
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(shell.id() as i32, libc::SIGTERM) };
    let status = shell.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert_eq!(settings(slave_fd), before, "back after SIGTERM too");
}
