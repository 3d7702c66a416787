//! The console: kernel `print!`/`println!`, and the streams behind
//! /dev/console (stdin and stdout) and /dev/vport0p1 (stderr).
//!
//! With a virtio console (`drivers::virtio::console`), stdin and stdout are
//! its port 0, stderr port 1 and the kernel log port 2; a port listed in
//! `tty=` on the command line (`sv39 run` lists the host's terminals) is a
//! terminal, the others carry bytes as they are: no `\r` added, no echo,
//! input handed over as it comes and ended when the host closes the port.
//! Without one, everything shares the UART, a terminal.
//!
//! A terminal has the line discipline of a Linux tty by default: canonical
//! input with echo (lines are edited with backspace and handed over on
//! Enter, `\r` read as `\n`, `^D` ends the input) and output that turns
//! `\n` into `\r\n`.

use crate::drivers::uart;
use crate::drivers::virtio::console::{self as vcon, Event};
use crate::sync::Global;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// Bytes of typed input kept at most; more is dropped, as a full tty does.
const INPUT_MAX: usize = 4096;
const BACKSPACE: u8 = 0x08;
const DELETE: u8 = 0x7f;
const END_OF_FILE: u8 = 0x04;

/// The streams, by the virtio console port that carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// stdin and stdout (port 0).
    Stdio = 0,
    Stderr = 1,
    /// The kernel's own messages (port 2).
    Log = 2,
}

/// Bit N: port N is present (else its stream goes where `fallback` says).
static PORTS: AtomicU8 = AtomicU8::new(0);
/// Bit N: port N is a terminal (`tty=`).
static TERMINALS: AtomicU8 = AtomicU8::new(0);

/// Starts using the virtio console's ports (after `vcon::attach`); `tty`
/// is the command line's `tty=` value, the terminal ports by number.
pub fn use_ports(tty: Option<&[u8]>) {
    let present = (0..vcon::PORTS).filter(|&p| vcon::has_port(p)).fold(0, |m, p| m | 1 << p);
    let terminals = tty.unwrap_or(b"").split(|&b| b == b',').fold(0u8, |m, w| match w {
        [d @ b'0'..=b'2'] => m | 1 << (d - b'0'),
        _ => m,
    });
    TERMINALS.store(terminals, Ordering::Relaxed);
    PORTS.store(present, Ordering::Relaxed);
}

/// The port that carries `s`: its own, stderr on stdout's, or None (the UART).
fn port(s: Stream) -> Option<usize> {
    let present = PORTS.load(Ordering::Relaxed);
    match s as usize {
        p if present & 1 << p != 0 => Some(p),
        1 if present & 1 != 0 => Some(0),
        _ => None,
    }
}

/// Whether the stream is a terminal (the UART always is).
pub fn is_terminal(s: Stream) -> bool {
    port(s).is_none_or(|p| TERMINALS.load(Ordering::Relaxed) & 1 << p != 0)
}

/// Whether stderr has a port of its own (/dev/vport0p1).
pub fn has_stderr_port() -> bool {
    PORTS.load(Ordering::Relaxed) & 1 << 1 != 0
}

/// Whether stdin and stdout are the virtio console's (else the UART's).
pub fn stdio_on_port() -> bool {
    port(Stream::Stdio).is_some()
}

/// Writes `bytes` to stream `s`, `\n` as `\r\n` on a terminal.
pub fn write(s: Stream, bytes: &[u8]) {
    let terminal = is_terminal(s);
    match port(s) {
        Some(p) if !terminal => {
            if vcon::write(p, bytes) {
                return;
            }
        }
        Some(p) => {
            let mut out = Vec::with_capacity(bytes.len() + 16);
            for &b in bytes {
                if b == b'\n' {
                    out.push(b'\r');
                }
                out.push(b);
            }
            if vcon::write(p, &out) {
                return;
            }
        }
        None => {}
    }
    // No port, or it is busy (a panic inside the driver): the UART.
    for &b in bytes {
        if b == b'\n' {
            uart::put(b'\r');
        }
        uart::put(b);
    }
}

/// The kernel log's formatter: up to a line at a time, so one message is one write.
struct LogWriter {
    buf: [u8; 256],
    len: usize,
}

impl LogWriter {
    fn flush(&mut self) {
        write(Stream::Log, &self.buf[..self.len]);
        self.len = 0;
    }
}

impl fmt::Write for LogWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

#[doc(hidden)]
pub fn print_fmt(args: fmt::Arguments) {
    let mut w = LogWriter { buf: [0; 256], len: 0 };
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

/// Input on its way to readers: on a terminal, the line being edited and
/// the finished ones (an empty chunk is an end of file); else the bytes as
/// they came.
struct Input {
    editing: Vec<u8>,
    ready: VecDeque<Vec<u8>>,
    buffered: usize,
}

static INPUT: Global<Input> = Global::new(Input { editing: Vec::new(), ready: VecDeque::new(), buffered: 0 });

impl Input {
    /// Handles one typed byte; returns whether a reader can now proceed.
    /// Echo goes to the terminal, which is stdout.
    fn typed(&mut self, byte: u8) -> bool {
        match byte {
            b'\r' | b'\n' => {
                write(Stream::Stdio, b"\n");
                let mut line = core::mem::take(&mut self.editing);
                line.push(b'\n');
                self.finish(line)
            }
            END_OF_FILE => {
                let line = core::mem::take(&mut self.editing);
                self.finish(line)
            }
            BACKSPACE | DELETE => {
                if self.editing.pop().is_some() {
                    write(Stream::Stdio, b"\x08 \x08");
                }
                false
            }
            b if self.buffered + self.editing.len() < INPUT_MAX => {
                self.editing.push(b);
                write(Stream::Stdio, &[b]);
                false
            }
            _ => false,
        }
    }

    /// Bytes that are not typed on a terminal: readable at once.
    fn raw(&mut self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return false;
        }
        self.finish(bytes.to_vec())
    }

    fn finish(&mut self, line: Vec<u8>) -> bool {
        self.buffered += line.len();
        self.ready.push_back(line);
        true
    }

    /// Copies the next finished input into `buf`: `Some(0)` at end of file,
    /// `None` when nothing is ready.
    fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        let chunk = self.ready.front_mut()?;
        if chunk.is_empty() {
            self.ready.pop_front();
            return Some(0);
        }
        let n = buf.len().min(chunk.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        chunk.drain(..n);
        if chunk.is_empty() {
            self.ready.pop_front();
        }
        self.buffered -= n;
        Some(n)
    }
}

fn wake_readers() {
    crate::proc::scheduler::wakeup(crate::proc::scheduler::Channel::Console);
}

/// Drains the UART's received bytes into the line discipline (UART
/// interrupt); wakes readers when a line is complete.
pub fn handle_input() {
    let mut woke = false;
    while let Some(b) = uart::get() {
        // Typing on the UART is ignored while stdin is a port.
        if !stdio_on_port() {
            woke |= INPUT.borrow_mut().typed(b);
        }
    }
    if woke {
        wake_readers();
    }
}

/// The virtio console's interrupt: input for stdin, the end of it.
pub fn handle_port_input() {
    let terminal = is_terminal(Stream::Stdio);
    let mut woke = false;
    vcon::interrupt(&mut |e| match e {
        Event::Input(0, bytes) if terminal => bytes.iter().for_each(|&b| woke |= INPUT.borrow_mut().typed(b)),
        Event::Input(0, bytes) => woke |= INPUT.borrow_mut().raw(bytes),
        Event::Closed(0) => woke = true,
        Event::Input(..) | Event::Closed(_) => {}
    });
    if woke {
        wake_readers();
    }
}

/// Reads stdin, or `None` when the caller must wait for input.
pub fn read_input(buf: &mut [u8]) -> Option<usize> {
    let n = INPUT.borrow_mut().read(buf);
    match n {
        None if stdio_on_port() && !vcon::host_open(0) => Some(0),
        n => n,
    }
}

/// Whether a read of stdin would not wait (for ppoll).
pub fn input_ready() -> bool {
    !INPUT.borrow().ready.is_empty() || (stdio_on_port() && !vcon::host_open(0))
}
