//! A polled NS16550A console on the UART at 0x1000_0000 and the `print!` macros.

use core::fmt::{self, Write};
use sv39_arch::memmap::UART0_BASE;

const THR: usize = 0;
const LSR: usize = 5;
const LSR_THRE: u8 = 1 << 5;
const LSR_TEMT: u8 = 1 << 6;

fn reg(offset: usize) -> *mut u8 {
    (UART0_BASE as usize + offset) as *mut u8
}

/// Writes one byte, waiting while the transmitter is busy.
pub fn putc(c: u8) {
    // SAFETY: the UART's registers are byte-wide MMIO on every virt board.
    unsafe {
        while core::ptr::read_volatile(reg(LSR)) & LSR_THRE == 0 {}
        core::ptr::write_volatile(reg(THR), c);
    }
}

/// Waits until everything written has left the transmitter.
pub fn flush() {
    // SAFETY: as in `putc`.
    unsafe { while core::ptr::read_volatile(reg(LSR)) & LSR_TEMT == 0 {} }
}

pub struct Console;

impl Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(putc);
        Ok(())
    }
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments) {
    let _ = Console.write_fmt(args);
}

#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::_print(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::console::_print(format_args!("{}\n", format_args!($($arg)*))) };
}
