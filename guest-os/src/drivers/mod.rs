//! Device drivers: one file per device.

pub mod finisher;
pub mod plic;
pub mod uart;

/// Reads a 32-bit device register at kernel address `va`.
///
/// # Safety
/// `va` must be a mapped device register.
pub unsafe fn read32(va: u64) -> u32 {
    // SAFETY: per the caller.
    unsafe { core::ptr::read_volatile(va as *const u32) }
}

/// Writes a 32-bit device register at kernel address `va`.
///
/// # Safety
/// `va` must be a mapped device register.
pub unsafe fn write32(va: u64, value: u32) {
    // SAFETY: per the caller.
    unsafe { core::ptr::write_volatile(va as *mut u32, value) }
}

use crate::dtb::Board;
use crate::memlayout::phys_to_virt;
use core::sync::atomic::{AtomicU32, Ordering};
use sv39_arch::PhysAddr;

static UART_IRQ: AtomicU32 = AtomicU32::new(0);

/// The kernel address of a device's physical registers.
fn kva(pa: u64) -> u64 {
    phys_to_virt(PhysAddr(pa)).as_u64()
}

/// Starts the UART (receive interrupt through the PLIC) and the finisher.
pub fn init(board: &Board) {
    uart::init(kva(board.uart.base), board.uart_reg_shift);
    if let Some(f) = board.finisher {
        finisher::init(kva(f.base));
    }
    plic::init(kva(board.plic.base), board.plic_context);
    plic::enable(board.uart_irq);
    UART_IRQ.store(board.uart_irq, Ordering::Relaxed);
}

/// The supervisor external interrupt: serves every pending PLIC source.
pub fn serve_external() {
    loop {
        let irq = plic::claim();
        if irq == 0 {
            break;
        }
        if irq == UART_IRQ.load(Ordering::Relaxed) {
            crate::console::handle_input();
        }
        plic::complete(irq);
    }
}
