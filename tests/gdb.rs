//! `--gdb`: gdb-multiarch in batch mode debugs guests on sv39 through the GDB
//! remote protocol, as it would on QEMU: a breakpoint in the bundled kernel
//! (S-mode under Sv39), a step, a kernel variable, CSRs, user memory through
//! the kernel's page table, and on to the end; a bare-metal program on two
//! harts with threads, a watchpoint and register and memory writes; `kill`.
//! Ctrl-C, bad requests and detach are checked on the raw protocol.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

/// sv39 serving a debugger (`--gdb 0 --gdb-wait`) on the port it printed.
struct Served {
    child: Child,
    port: u16,
    stderr: Receiver<String>,
}

/// Starts `sv39 ARGS`; `args` must include `--gdb 0 --gdb-wait`.
fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(SV39)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start sv39: {e}"));
    let (tx, stderr) = mpsc::channel();
    let pipe = child.stderr.take().expect("piped stderr");
    std::thread::spawn(move || BufReader::new(pipe).lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
    let first = stderr.recv_timeout(LIMIT).unwrap_or_else(|e| panic!("sv39 printed no port: {e}"));
    let port = first
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no port in: {first}"));
    Served { child, port, stderr }
}

impl Served {
    /// Waits for sv39 to end (killing it after `LIMIT`): status, stdout, stderr.
    fn finish(mut self) -> Run {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() && start.elapsed() < LIMIT {
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        let mut stdout = String::new();
        self.child.stdout.take().expect("piped stdout").read_to_string(&mut stdout).unwrap();
        let stderr: Vec<String> = self.stderr.try_iter().collect();
        Run { code: status.code(), signal: None, stdout, stderr: stderr.join("\n") }
    }

    /// Waits for sv39 and checks its exit status and that the guest printed `text`.
    fn assert_ends(self, code: i32, text: &str) {
        let run = self.finish();
        assert_eq!(run.code, Some(code), "{}", run.stderr);
        assert!(run.stdout.contains(text), "expected `{text}` from the guest: {}", run.stdout);
    }
}

/// gdb-multiarch's output for `commands` against `elf`, connected to `port`.
fn gdb(elf: &Path, port: u16, commands: &[&str]) -> String {
    let mut cmd = Command::new("gdb-multiarch");
    cmd.args(["-batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off"]);
    cmd.args(["-ex", &format!("target remote 127.0.0.1:{port}")]);
    for c in commands {
        cmd.args(["-ex", c]);
    }
    cmd.arg(elf);
    let run = run_with_limit(cmd, LIMIT);
    format!("{}{}", run.stdout, run.stderr)
}

/// The hex number after `label ` on its line of `out` (from `printf "label %lx\n"`).
fn printed(out: &str, label: &str) -> u64 {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{label} ")))
        .unwrap_or_else(|| panic!("no {label} in:\n{out}"));
    u64::from_str_radix(line.trim(), 16).unwrap_or_else(|e| panic!("{label} {line}: {e}"))
}

fn assert_has(out: &str, needle: &str) {
    assert!(out.contains(needle), "expected `{needle}` in gdb's output:\n{out}");
}

fn kernel() -> PathBuf {
    guest_bin("guest-os")
}

#[test]
fn kernel_break_step_print_and_continue_to_exit() {
    if !gdb_available() {
        return;
    }
    let k = kernel();
    let served = serve(&["run", "--kernel", k.to_str().unwrap(), "--gdb", "0", "--gdb-wait", "hello"]);
    let out = gdb(
        &k,
        served.port,
        &[
            "break guest_os::syscall::dispatch",
            "continue",
            "p $priv",
            "p/x $satp",
            "info registers mstatus",
            "p guest_os::timer::TIMEBASE_HZ",
            // The user's ecall, read through the kernel's page table.
            "x/i $sepc",
            "printf \"before %lx\\n\", $pc",
            "stepi",
            "printf \"after %lx\\n\", $pc",
            "delete",
            "continue",
        ],
    );
    assert_has(&out, "Breakpoint 1, guest_os::syscall::dispatch");
    assert_has(&out, "$1 = 1"); // S-mode
    assert_has(&out, "$2 = 0x8"); // satp.MODE = Sv39
    assert!(out.lines().any(|l| l.starts_with("mstatus ")), "mstatus missing:\n{out}");
    assert_has(&out, "value: 10000000");
    assert_has(&out, ":\tecall");
    let (before, after) = (printed(&out, "before"), printed(&out, "after"));
    assert!(before >> 38 != 0 && (2..=4).contains(&(after - before)), "stepi from {before:#x} to {after:#x}");
    assert_has(&out, "[Inferior 1 (process 1) exited normally]");
    served.assert_ends(0, "Hello, world!");
}

#[test]
fn bare_metal_threads_watchpoint_and_writes() {
    if !gdb_available() {
        return;
    }
    let elf = guest_bin("hello-bare");
    let served = serve(&["boot", "--harts", "2", "--gdb", "0", "--gdb-wait", elf.to_str().unwrap()]);
    let out = gdb(
        &elf,
        served.port,
        &[
            "set scheduler-locking step",
            "info threads",
            "break main",
            "continue",
            "thread 2",
            "printf \"hart %lx\\n\", $mhartid",
            "stepi",
            "printf \"hart1pc %lx\\n\", $pc",
            "thread 1",
            "set var bare::fromhost = 0x5ec",
            "printf \"fromhost %lx\\n\", bare::fromhost",
            // The stack slot where main's callee will save its return address.
            "set language c",
            "watch -location *(long *)($sp - 8)",
            "continue",
            "printf \"ra %lx\\n\", $ra",
            "delete",
            "break *bare_exit",
            "continue",
            "set $a0 = 7",
            "continue",
        ],
    );
    assert_has(&out, "Thread 1.2 (hart 1, M-mode)");
    assert_has(&out, "hit Breakpoint 1, hello_bare::main");
    assert_eq!(printed(&out, "hart"), 1);
    assert_eq!(printed(&out, "hart1pc"), 0x8000_0004, "hart 1 stepped one instruction");
    assert_eq!(printed(&out, "fromhost"), 0x5ec);
    // The callee has saved its return address, which is still in ra.
    let saved = format!("Old value = 0\nNew value = {}", printed(&out, "ra"));
    assert_has(&out, &format!("Hardware watchpoint 2: -location *(long *)($sp - 8)\n\n{saved}"));
    assert_has(&out, "hit Breakpoint 3, bare::bare_exit (status=0)");
    assert_has(&out, "[Inferior 1 (process 1) exited with code 07]");
    served.assert_ends(7, "hello from bare metal");
}

#[test]
fn kill_stops_sv39() {
    if !gdb_available() {
        return;
    }
    let elf = guest_bin("hello-bare");
    let served = serve(&["boot", "--gdb", "0", "--gdb-wait", elf.to_str().unwrap()]);
    gdb(&elf, served.port, &["break main", "continue", "kill"]);
    let run = served.finish();
    assert_eq!(run.code, Some(137), "{}", run.stderr);
    assert!(run.stderr.contains("killed by the debugger"), "{}", run.stderr);
    assert!(!run.stdout.contains("hello from bare metal"), "the guest stopped at main");
}

/// A client of the remote protocol, for what batch-mode gdb cannot do.
struct Rsp {
    to: TcpStream,
    from: BufReader<TcpStream>,
}

impl Rsp {
    fn connect(port: u16) -> Rsp {
        let to = TcpStream::connect(("127.0.0.1", port)).unwrap();
        to.set_read_timeout(Some(LIMIT)).unwrap();
        Rsp { from: BufReader::new(to.try_clone().unwrap()), to }
    }

    fn send(&mut self, body: &str) {
        let sum = body.bytes().fold(0u8, |s, b| s.wrapping_add(b));
        write!(self.to, "${body}#{sum:02x}").unwrap();
    }

    /// The next packet's body (acknowledged).
    fn recv(&mut self) -> String {
        let mut skipped = Vec::new();
        self.from.read_until(b'$', &mut skipped).unwrap();
        let mut body = Vec::new();
        self.from.read_until(b'#', &mut body).unwrap();
        body.pop();
        self.from.read_exact(&mut [0u8; 2]).unwrap();
        self.to.write_all(b"+").unwrap();
        String::from_utf8(body).unwrap()
    }

    fn ask(&mut self, body: &str) -> String {
        self.send(body);
        self.recv()
    }
}

#[test]
fn ctrl_c_bad_requests_and_detach() {
    if !gdb_available() {
        return;
    }
    let elf = guest_bin("bench-memory");
    let served = serve(&["boot", "--mem", "512M", "--gdb", "0", "--gdb-wait", elf.to_str().unwrap()]);
    let mut rsp = Rsp::connect(served.port);
    assert!(rsp.ask("qSupported:swbreak+;vContSupported+").contains("qXfer:features:read+"));
    assert_eq!(rsp.ask("?"), "T05thread:01;");
    assert_eq!(rsp.ask("m0,8"), "E0e", "address 0 is not RAM");
    assert_eq!(rsp.ask("pffff"), "", "no register 0xffff");
    assert!(rsp.ask("P1041=02").starts_with('E'), "2 is no privilege");
    assert_eq!(rsp.ask("Z0,1000,2"), "OK");
    assert_eq!(rsp.ask("z0,1000,2"), "OK");
    assert!(rsp.ask("z0,1000,2").starts_with('E'), "no such breakpoint any more");
    rsp.send("vCont;c");
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    rsp.to.write_all(&[3]).unwrap();
    assert_eq!(rsp.recv(), "T02thread:01;", "SIGINT");
    assert!(start.elapsed() < Duration::from_secs(2), "Ctrl-C took {:?}", start.elapsed());
    assert_eq!(rsp.ask("p1041").len(), 2, "priv is one byte");
    assert_eq!(rsp.ask("D"), "OK");
    let run = served.finish();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("debugger detached; the guest runs on"), "{}", run.stderr);
}
