//! Device files: the character devices /dev/console (the terminal, `tty`,
//! or stdin and stdout as bytes when there is none; see `console`),
//! /dev/vport0p0 and /dev/vport0p1 (stdin and stdout, and stderr, as bytes,
//! when the virtio console has ports for them), /dev/null and /dev/zero,
//! and the disks /dev/vdX (`blockdev`), which are read and written at the
//! file offset.

use super::blockdev;
use crate::console::{self, Stream};
use crate::proc::scheduler::{self, Channel};
use crate::tty;
use sv39_abi::stat::{S_IFBLK, S_IFCHR};
use sv39_abi::Errno;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Console,
    /// The virtio console's stdio port as bytes (Linux's name for a
    /// virtserialport at nr 0).
    Stdio,
    /// The virtio console's stderr port (Linux's /dev/vport0p1).
    Stderr,
    Null,
    Zero,
    /// virtio disk N.
    Disk(usize),
}

impl Device {
    /// The device number (`st_rdev`), as Linux numbers these devices.
    pub fn rdev(self) -> u64 {
        match self {
            Device::Console => (5 << 8) | 1,
            // Linux gives virtio ports a dynamic major; this is its first.
            Device::Stdio => 250 << 8,
            Device::Stderr => (250 << 8) | 1,
            Device::Null => (1 << 8) | 3,
            Device::Zero => (1 << 8) | 5,
            Device::Disk(n) => blockdev::rdev(n),
        }
    }

    /// The inode mode: crw-rw-rw- for the character devices, brw-rw---- for disks.
    pub fn mode(self) -> u32 {
        match self {
            Device::Disk(_) => S_IFBLK | 0o660,
            _ => S_IFCHR | 0o666,
        }
    }

    /// Whether reads and writes happen at the file offset (and advance it).
    pub fn seekable(self) -> bool {
        matches!(self, Device::Disk(_))
    }

    /// Whether this is the terminal.
    fn on_terminal(self) -> bool {
        self == Device::Console && console::has_terminal()
    }

    /// Reads at `off` (a disk) or from the stream; stdin waits for input
    /// (EINTR if killed meanwhile, EAGAIN with `nonblock`).
    pub fn read(self, off: u64, buf: &mut [u8], nonblock: bool) -> Result<usize, Errno> {
        match self {
            _ if self.on_terminal() => tty::read(buf, nonblock),
            Device::Disk(n) => blockdev::read_at(n, off, buf),
            Device::Null | Device::Stderr => Ok(0),
            Device::Zero => {
                buf.fill(0);
                Ok(buf.len())
            }
            Device::Console | Device::Stdio => loop {
                if let Some(n) = console::read_stdin(buf) {
                    return Ok(n);
                }
                if nonblock {
                    return Err(Errno::EAGAIN);
                }
                scheduler::sleep_interruptible(Channel::Console)?;
            },
        }
    }

    pub fn write(self, off: u64, data: &[u8]) -> Result<usize, Errno> {
        match self {
            _ if self.on_terminal() => tty::write(data),
            Device::Console | Device::Stdio => console::write(Stream::Stdout, data),
            Device::Stderr => console::write(Stream::Stderr, data),
            Device::Disk(n) => return blockdev::write_at(n, off, data),
            Device::Null | Device::Zero => {}
        }
        Ok(data.len())
    }

    /// Whether the device is a terminal (for the terminal ioctls).
    pub fn is_terminal(self) -> bool {
        self.on_terminal()
    }

    /// Whether a read would return at once.
    pub fn readable(self) -> bool {
        match self {
            _ if self.on_terminal() => tty::readable(),
            Device::Console | Device::Stdio => console::stdin_ready(),
            _ => true,
        }
    }
}
