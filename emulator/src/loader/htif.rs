//! HTIF, the host-target interface of riscv-tests and their benchmarks: the
//! program writes a command to `tohost` (an ELF symbol, address varies) and
//! the host answers through `fromhost`.
//!
//! Commands (device in bits 63:56, command in 55:48, payload below):
//! - device 0, odd payload: exit with status payload >> 1 (0 = pass);
//! - device 0, even payload: address of eight u64 words {syscall, args...}; only
//!   `write` (64) is served; the result goes to word 0, then `fromhost = 1`;
//! - device 1, command 1: console output of payload & 0xff.
//!
//! The store that writes the upper word of `tohost` (or all of it) rings the
//! doorbell; programs that write it as two 32-bit halves write the low one first.

use crate::bus::Bus;
use std::io::Write;

const SYS_WRITE: u64 = 64;
const ENOSYS: u64 = 38;

#[derive(Clone, Copy, Debug)]
pub struct Htif {
    pub tohost: u64,
    pub fromhost: Option<u64>,
}

impl Htif {
    /// Whether a store of `size` bytes at `pa` completes a `tohost` command.
    pub fn is_doorbell(&self, pa: u64, size: u64) -> bool {
        pa < self.tohost + 8 && pa + size > self.tohost + 4
    }
}

/// Serves a pending `tohost` command; returns the exit status when the program
/// asked to exit.
pub fn poll(bus: &mut Bus) -> Option<u64> {
    let h = bus.htif?;
    let cmd = bus.ram.read_u64(h.tohost).filter(|&v| v != 0)?;
    let (device, command, payload) = (cmd >> 56, (cmd >> 48) & 0xff, cmd & 0xffff_ffff_ffff);
    match (device, command) {
        (0, _) if payload & 1 == 1 => return Some(payload >> 1),
        (0, _) => syscall(bus, payload),
        (1, 1) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(&[payload as u8]).and_then(|_| out.flush());
        }
        _ => log::warn!("HTIF: ignoring command {cmd:#x}"),
    }
    bus.write(h.tohost, 8, 0);
    if let Some(fromhost) = h.fromhost {
        bus.write(fromhost, 8, (device << 56) | (command << 48) | 1);
    }
    None
}

/// Performs the syscall block at physical `addr` (riscv-tests' `syscall()`).
fn syscall(bus: &mut Bus, addr: u64) {
    let word = |bus: &Bus, i: u64| bus.ram.read_u64(addr + 8 * i);
    let Some(number) = word(bus, 0) else { return };
    let result = if number == SYS_WRITE {
        let (fd, buf, len) = (word(bus, 1).unwrap_or(0), word(bus, 2).unwrap_or(0), word(bus, 3).unwrap_or(0));
        let mut data = vec![0u8; len.min(1 << 20) as usize];
        match bus.ram.read_bytes(buf, &mut data) {
            Some(()) if fd == 2 => std::io::stderr().write_all(&data).map_or(u64::MAX, |_| len),
            Some(()) => {
                let mut out = std::io::stdout();
                out.write_all(&data).and_then(|_| out.flush()).map_or(u64::MAX, |_| data.len() as u64)
            }
            None => (-14i64) as u64, // EFAULT
        }
    } else {
        log::warn!("HTIF: unsupported syscall {number}");
        (-(ENOSYS as i64)) as u64
    };
    bus.write(addr, 8, result);
}
