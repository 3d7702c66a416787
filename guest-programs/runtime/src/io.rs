//! Console and file output and input: `print!` and friends (one `write` per
//! call for lines up to [`LINE`] bytes, so output of processes sharing a
//! console does not interleave mid-line), whole writes, and a line reader.

use crate::sys;
use alloc::vec::Vec;
use core::fmt;
use sv39_abi::Errno;

pub const STDIN: i32 = 0;
pub const STDOUT: i32 = 1;
pub const STDERR: i32 = 2;

/// Bytes gathered before a write.
pub const LINE: usize = 512;

/// Writes all of `buf` to `fd`, retrying short writes and `EINTR`.
pub fn write_all(fd: i32, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match sys::write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => buf = &buf[n..],
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Formats into a buffer and writes it to one file descriptor.
pub struct FdWriter {
    fd: i32,
    buf: [u8; LINE],
    len: usize,
    error: Option<Errno>,
}

impl FdWriter {
    pub fn new(fd: i32) -> FdWriter {
        FdWriter { fd, buf: [0; LINE], len: 0, error: None }
    }

    /// Writes what is buffered; reports the first error seen.
    pub fn flush(&mut self) -> Result<(), Errno> {
        if let Err(e) = write_all(self.fd, &self.buf[..self.len]) {
            self.error.get_or_insert(e);
        }
        self.len = 0;
        self.error.map_or(Ok(()), Err)
    }
}

impl fmt::Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for chunk in s.as_bytes().chunks(LINE) {
            if self.len + chunk.len() > LINE {
                let _ = self.flush();
            }
            self.buf[self.len..self.len + chunk.len()].copy_from_slice(chunk);
            self.len += chunk.len();
        }
        Ok(())
    }
}

/// Formats `args` to `fd` (what the print macros call).
pub fn print_to(fd: i32, args: fmt::Arguments) -> Result<(), Errno> {
    let mut w = FdWriter::new(fd);
    let _ = fmt::Write::write_fmt(&mut w, args);
    w.flush()
}

#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {{ let _ = $crate::io::print_to($crate::io::STDOUT, format_args!($($arg)*)); }};
}

#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::print!("{}\n", format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {{ let _ = $crate::io::print_to($crate::io::STDERR, format_args!($($arg)*)); }};
}

#[macro_export]
macro_rules! eprintln {
    () => { $crate::eprint!("\n") };
    ($($arg:tt)*) => { $crate::eprint!("{}\n", format_args!($($arg)*)) };
}

/// Reads a file descriptor line by line.
pub struct LineReader {
    fd: i32,
    buf: Vec<u8>,
    eof: bool,
}

impl LineReader {
    pub fn new(fd: i32) -> LineReader {
        LineReader { fd, buf: Vec::new(), eof: false }
    }

    /// The next line without its newline; `None` at end of file. A last
    /// line without a newline is returned too. A read a signal handler
    /// interrupted is EINTR, the bytes so far kept.
    pub fn read_line(&mut self) -> Result<Option<Vec<u8>>, Errno> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line = self.buf.drain(..=i).take(i).collect();
                return Ok(Some(line));
            }
            if self.eof {
                return Ok((!self.buf.is_empty()).then(|| core::mem::take(&mut self.buf)));
            }
            self.fill()?;
        }
    }

    /// Drops what was read and not yet returned (an interactive shell's ^C).
    pub fn discard(&mut self) {
        self.buf.clear();
    }

    fn fill(&mut self) -> Result<(), Errno> {
        let mut chunk = [0u8; 256];
        match sys::read(self.fd, &mut chunk) {
            Ok(0) => self.eof = true,
            Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// Whether `fd` is a terminal (it answers `TCGETS`, as glibc's isatty asks).
pub fn isatty(fd: i32) -> bool {
    sys::tcgets(fd).is_ok()
}
