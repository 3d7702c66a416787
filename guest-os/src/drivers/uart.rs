//! The NS16550A UART: polled transmit, receive-data interrupt.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

const RBR: u64 = 0; // receive buffer (read)
const THR: u64 = 0; // transmit holding (write)
const IER: u64 = 1; // interrupt enable
const FCR: u64 = 2; // FIFO control (write)
const LSR: u64 = 5; // line status
const IER_RX_AVAILABLE: u8 = 1 << 0;
const FCR_ENABLE_AND_CLEAR: u8 = 0b111;
const LSR_DATA_READY: u8 = 1 << 0;
const LSR_THR_EMPTY: u8 = 1 << 5;

/// Kernel address of the registers; 0 until `init` (output is dropped).
static BASE: AtomicU64 = AtomicU64::new(0);
static SHIFT: AtomicU32 = AtomicU32::new(0);

fn reg(index: u64) -> *mut u8 {
    (BASE.load(Ordering::Relaxed) + (index << SHIFT.load(Ordering::Relaxed))) as *mut u8
}

/// Starts using the UART whose registers are at kernel address `base`.
pub fn init(base: u64, reg_shift: u32) {
    BASE.store(base, Ordering::Relaxed);
    SHIFT.store(reg_shift, Ordering::Relaxed);
    // SAFETY: `base` maps the UART's registers (the caller's DTB says so).
    unsafe {
        reg(FCR).write_volatile(FCR_ENABLE_AND_CLEAR);
        reg(IER).write_volatile(IER_RX_AVAILABLE);
    }
}

/// Sends one byte, waiting for room.
pub fn put(byte: u8) {
    if BASE.load(Ordering::Relaxed) == 0 {
        return;
    }
    // SAFETY: the registers are mapped (BASE is set only by init).
    unsafe {
        while reg(LSR).read_volatile() & LSR_THR_EMPTY == 0 {}
        reg(THR).write_volatile(byte);
    }
}

/// A received byte, if one is waiting.
pub fn get() -> Option<u8> {
    if BASE.load(Ordering::Relaxed) == 0 {
        return None;
    }
    // SAFETY: as in `put`.
    unsafe { (reg(LSR).read_volatile() & LSR_DATA_READY != 0).then(|| reg(RBR).read_volatile()) }
}
