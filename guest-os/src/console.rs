//! The console: kernel `print!`/`println!`, and the streams behind
//! /dev/console (the terminal, `tty`), /dev/vport0p0 (stdin and stdout as
//! bytes) and /dev/vport0p1 (stderr as bytes).
//!
//! With a virtio console (`drivers::virtio::console`), stdin and stdout are
//! its port 0, stderr port 1 and the kernel log port 2. `tty=` on the
//! command line names the streams that are the host's terminal (`sv39 run`
//! lists them): `0`, `1`, `2` for stdin, stdout and stderr, `log` for the
//! kernel log. The terminal reads port 0 when stdin is on it, and writes to
//! stdout's port when stdout is on it, else to stderr's; the other streams
//! carry bytes as they are. Without `tty=` there is no terminal and
//! /dev/console is port 0's bytes. Without a virtio console, everything
//! shares the UART, a terminal.

use crate::drivers::uart;
use crate::drivers::virtio::console::{self as vcon, Event};
use crate::sync::Global;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// The streams; bits of `TERMINALS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
    /// The kernel's own messages.
    Log = 3,
}

/// Bit N: port N is present (else its stream goes where `port` says).
static PORTS: AtomicU8 = AtomicU8::new(0);
/// Bit N: stream N is the terminal (`tty=`).
static TERMINALS: AtomicU8 = AtomicU8::new(0);

/// Starts using the virtio console's ports (after `vcon::attach`); `tty`
/// is the command line's `tty=` value, the terminal streams.
pub fn use_ports(tty: Option<&[u8]>) {
    let present = (0..vcon::PORTS).filter(|&p| vcon::has_port(p)).fold(0, |m, p| m | 1 << p);
    let terminals = tty.unwrap_or(b"").split(|&b| b == b',').fold(0u8, |m, w| match w {
        [d @ b'0'..=b'2'] => m | 1 << (d - b'0'),
        b"log" => m | 1 << Stream::Log as u8,
        _ => m,
    });
    TERMINALS.store(terminals, Ordering::Relaxed);
    PORTS.store(present, Ordering::Relaxed);
}

/// The port that carries `s`: its own, stderr on stdout's, or None (the UART).
fn port(s: Stream) -> Option<usize> {
    let present = PORTS.load(Ordering::Relaxed);
    let own = match s {
        Stream::Stdin | Stream::Stdout => 0,
        Stream::Stderr => 1,
        Stream::Log => 2,
    };
    match own {
        p if present & 1 << p != 0 => Some(p),
        1 if present & 1 != 0 => Some(0),
        _ => None,
    }
}

/// Whether the stream is the terminal (the UART always is).
pub fn is_terminal(s: Stream) -> bool {
    port(s).is_none() || TERMINALS.load(Ordering::Relaxed) & 1 << s as u8 != 0
}

/// Whether there is a terminal (/dev/console is one): the UART, or a
/// stdio stream on the host's terminal.
pub fn has_terminal() -> bool {
    [Stream::Stdin, Stream::Stdout, Stream::Stderr].into_iter().any(is_terminal)
}

/// Whether stderr has a port of its own (/dev/vport0p1).
pub fn has_stderr_port() -> bool {
    PORTS.load(Ordering::Relaxed) & 1 << 1 != 0
}

/// Whether stdin and stdout are the virtio console's (else the UART's).
pub fn stdio_on_port() -> bool {
    port(Stream::Stdin).is_some()
}

/// Writes `bytes` to stream `s` as they are; the UART if it has no port.
pub fn write(s: Stream, bytes: &[u8]) {
    match port(s) {
        Some(p) if vcon::write(p, bytes) => {}
        // No port, or it is busy (a panic inside the driver): the UART.
        _ => bytes.iter().for_each(|&b| uart::put(b)),
    }
}

/// Writes the terminal's output: on stdout's stream if it is the
/// terminal, else on stderr's; nowhere when neither is (stdin alone is
/// the terminal); on port 0 when there is no terminal.
pub fn write_terminal(bytes: &[u8]) {
    match [Stream::Stdout, Stream::Stderr].into_iter().find(|&s| is_terminal(s)) {
        Some(s) => write(s, bytes),
        None if !has_terminal() => write(Stream::Stdout, bytes),
        None => {}
    }
}

/// The kernel log's formatter: up to a line at a time, so one message is
/// one write; `\n` as `\r\n` on a terminal.
struct LogWriter {
    buf: [u8; 256],
    len: usize,
    terminal: bool,
}

impl LogWriter {
    fn flush(&mut self) {
        write(Stream::Log, &self.buf[..self.len]);
        self.len = 0;
    }

    fn push(&mut self, b: u8) {
        if self.len == self.buf.len() {
            self.flush();
        }
        self.buf[self.len] = b;
        self.len += 1;
    }
}

impl fmt::Write for LogWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if b == b'\n' && self.terminal {
                self.push(b'\r');
            }
            self.push(b);
        }
        Ok(())
    }
}

#[doc(hidden)]
pub fn print_fmt(args: fmt::Arguments) {
    let mut w = LogWriter { buf: [0; 256], len: 0, terminal: is_terminal(Stream::Log) };
    let _ = fmt::Write::write_fmt(&mut w, args);
    w.flush();
}

/// Prints to the kernel log.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!($($arg)*)) };
}

/// Prints a line to the kernel log.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Bytes of stdin not yet read, when stdin is not the terminal.
static STDIN_BYTES: Global<VecDeque<u8>> = Global::new(VecDeque::new());

fn wake_readers() {
    crate::proc::scheduler::wakeup(crate::proc::scheduler::Channel::Console);
}

/// Drains the UART's received bytes into the terminal (UART interrupt).
pub fn handle_input() {
    let mut typed = Vec::new();
    while let Some(b) = uart::get() {
        // Typing on the UART is ignored while stdin is a port.
        if !stdio_on_port() {
            typed.push(b);
        }
    }
    crate::tty::receive(&typed);
}

/// The virtio console's interrupt: input for stdin, the end of it.
pub fn handle_port_input() {
    let terminal = is_terminal(Stream::Stdin);
    let (mut typed, mut woke) = (Vec::new(), false);
    vcon::interrupt(&mut |e| match e {
        Event::Input(0, bytes) if terminal => typed.extend_from_slice(bytes),
        Event::Input(0, bytes) => {
            STDIN_BYTES.borrow_mut().extend(bytes);
            woke |= !bytes.is_empty();
        }
        Event::Closed(0) => woke = true,
        Event::Input(..) | Event::Closed(_) => {}
    });
    crate::tty::receive(&typed);
    if woke {
        wake_readers();
    }
}

/// Whether the host's input has ended (port 0 closed).
fn input_ended() -> bool {
    stdio_on_port() && !vcon::host_open(0)
}

/// Whether the terminal will get no more input: the host's stdin, the
/// terminal, has ended.
pub fn terminal_input_ended() -> bool {
    is_terminal(Stream::Stdin) && input_ended()
}

/// Reads stdin as bytes (it is not the terminal), or `None` when the
/// caller must wait for input; 0 at its end.
pub fn read_stdin(buf: &mut [u8]) -> Option<usize> {
    let mut bytes = STDIN_BYTES.borrow_mut();
    if bytes.is_empty() {
        return input_ended().then_some(0);
    }
    let n = buf.len().min(bytes.len());
    for (dst, src) in buf.iter_mut().zip(bytes.drain(..n)) {
        *dst = src;
    }
    Some(n)
}

/// Whether a read of stdin as bytes would not wait (for ppoll).
pub fn stdin_ready() -> bool {
    !STDIN_BYTES.borrow().is_empty() || input_ended()
}
