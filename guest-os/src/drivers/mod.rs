//! Device drivers: one file per device.

pub mod finisher;
pub mod plic;
pub mod uart;
pub mod virtio;

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
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
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

/// Brings up the devices in the virtio-mmio slots (after memory, as their
/// queues live in frames), the first console among them taking over the
/// streams (`console::use_ports`, with the command line's `tty=`); a line
/// for the boot log about each.
pub fn init_virtio(board: &Board) -> Vec<String> {
    let mut log = Vec::new();
    let mut console = false;
    for &(m, irq) in board.virtio.iter().flatten() {
        let Some(t) = virtio::Transport::probe(kva(m.base), irq) else { continue };
        let line = match t.device_id {
            virtio::DEVICE_ID_BLOCK => match virtio::blk::attach(t) {
                Ok(n) => {
                    plic::enable(irq);
                    let (bytes, ro) = virtio::blk::geometry(n).unwrap_or((0, false));
                    format!(
                        "vd{}: virtio-blk at {:#x}, irq {irq}, {} KiB{}",
                        disk_letter(n),
                        m.base,
                        bytes / 1024,
                        if ro { ", read-only" } else { "" }
                    )
                }
                Err(e) => format!("virtio-blk at {:#x}: not usable ({e:?})", m.base),
            },
            virtio::DEVICE_ID_CONSOLE if !console => match virtio::console::attach(t) {
                Ok(()) => {
                    console = true;
                    plic::enable(irq);
                    let ports: Vec<String> = (0..virtio::console::PORTS)
                        .filter(|&p| virtio::console::has_port(p))
                        .map(|p| format!("{p}"))
                        .collect();
                    format!("virtio-console at {:#x}, irq {irq}, ports {}", m.base, ports.join(","))
                }
                Err(e) => format!("virtio-console at {:#x}: not usable ({e:?})", m.base),
            },
            virtio::DEVICE_ID_9P => match virtio::p9::attach(t) {
                Ok(n) => {
                    plic::enable(irq);
                    let tag = virtio::p9::tag(n).unwrap_or_default();
                    format!("virtio-9p at {:#x}, irq {irq}, tag {tag}", m.base)
                }
                Err(e) => format!("virtio-9p at {:#x}: not usable ({e:?})", m.base),
            },
            id => format!("virtio device {id} at {:#x}: no driver", m.base),
        };
        log.push(line);
    }
    if console {
        crate::console::use_ports(sv39_abi::bootargs::param(board.bootargs, "tty").map(|w| w.raw()));
    }
    log
}

/// `a` for disk 0 (vda), `b` for disk 1, ...
pub fn disk_letter(n: usize) -> char {
    char::from(b'a' + (n % 26) as u8)
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
        } else if virtio::console::irq() == Some(irq) {
            crate::console::handle_port_input();
        } else {
            let _ = virtio::blk::interrupt(irq) || virtio::p9::interrupt(irq);
        }
        plic::complete(irq);
    }
}
