//! The console: kernel `print!`/`println!`, and the terminal line discipline
//! behind /dev/console (canonical input with echo, as a Linux tty does by
//! default: lines are edited with backspace and handed over on Enter, `^D`
//! ends the input; output turns `\n` into `\r\n`).

use crate::drivers::uart;
use crate::sync::Global;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;

/// Bytes of typed input kept at most; more is dropped, as a full tty does.
const INPUT_MAX: usize = 4096;
const BACKSPACE: u8 = 0x08;
const DELETE: u8 = 0x7f;
const END_OF_FILE: u8 = 0x04;

/// Writes `bytes` to the UART, `\n` as `\r\n`.
pub fn write_bytes(bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' {
            uart::put(b'\r');
        }
        uart::put(b);
    }
}

struct Writer;

impl fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

#[doc(hidden)]
pub fn print_fmt(args: fmt::Arguments) {
    let _ = fmt::Write::write_fmt(&mut Writer, args);
}

/// Prints to the console.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!($($arg)*)) };
}

/// Prints a line to the console.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Typed input: the line being edited and the finished ones (an empty
/// chunk is an end of file).
struct LineDiscipline {
    editing: Vec<u8>,
    ready: VecDeque<Vec<u8>>,
    buffered: usize,
}

static TTY: Global<LineDiscipline> =
    Global::new(LineDiscipline { editing: Vec::new(), ready: VecDeque::new(), buffered: 0 });

impl LineDiscipline {
    /// Handles one typed byte; returns whether a reader can now proceed.
    fn input(&mut self, byte: u8) -> bool {
        match byte {
            b'\r' | b'\n' => {
                write_bytes(b"\n");
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
                    write_bytes(b"\x08 \x08");
                }
                false
            }
            b if self.buffered + self.editing.len() < INPUT_MAX => {
                self.editing.push(b);
                write_bytes(&[b]);
                false
            }
            _ => false,
        }
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

/// Drains the UART's received bytes into the line discipline (UART
/// interrupt); wakes readers when a line is complete.
pub fn handle_input() {
    let mut woke = false;
    while let Some(b) = uart::get() {
        woke |= TTY.borrow_mut().input(b);
    }
    if woke {
        crate::proc::scheduler::wakeup(crate::proc::scheduler::Channel::Console);
    }
}

/// Reads typed input, or `None` when the caller must wait for a line.
pub fn read_input(buf: &mut [u8]) -> Option<usize> {
    TTY.borrow_mut().read(buf)
}

/// Whether a read would not wait (for ppoll).
pub fn input_ready() -> bool {
    !TTY.borrow().ready.is_empty()
}
