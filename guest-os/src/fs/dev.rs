//! Character devices: /dev/console (the UART through the line discipline),
//! /dev/null and /dev/zero.

use crate::console;
use crate::proc::scheduler::{self, Channel};
use sv39_abi::Errno;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Console,
    Null,
    Zero,
}

impl Device {
    /// The device number (`st_rdev`), as Linux numbers these devices.
    pub fn rdev(self) -> u64 {
        match self {
            Device::Console => (5 << 8) | 1,
            Device::Null => (1 << 8) | 3,
            Device::Zero => (1 << 8) | 5,
        }
    }

    /// Reads; the console waits for a line (EINTR if killed meanwhile, EAGAIN
    /// with `nonblock`).
    pub fn read(self, buf: &mut [u8], nonblock: bool) -> Result<usize, Errno> {
        match self {
            Device::Null => Ok(0),
            Device::Zero => {
                buf.fill(0);
                Ok(buf.len())
            }
            Device::Console => loop {
                if let Some(n) = console::read_input(buf) {
                    return Ok(n);
                }
                if nonblock {
                    return Err(Errno::EAGAIN);
                }
                scheduler::sleep_interruptible(Channel::Console)?;
            },
        }
    }

    pub fn write(self, data: &[u8]) -> Result<usize, Errno> {
        if self == Device::Console {
            console::write_bytes(data);
        }
        Ok(data.len())
    }

    /// Whether a read would return at once.
    pub fn readable(self) -> bool {
        self != Device::Console || console::input_ready()
    }
}
