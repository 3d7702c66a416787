//! The memory map of QEMU's `virt` board, which `sv39` reproduces.
//!
//! ```text
//!   0x0000_0000_0000_1000  MROM (reset vector, fw_dynamic info) 0xf000
//!   0x0000_0000_0010_0000  SiFive test finisher       0x1000
//!   0x0000_0000_0200_0000  CLINT (msip, mtimecmp, mtime) 0x10000
//!   0x0000_0000_0c00_0000  PLIC                       0x60_0000
//!   0x0000_0000_1000_0000  NS16550A UART, PLIC IRQ 10  0x100
//!   0x0000_0000_1000_1000  virtio-mmio slot 0..7, IRQ 1..8, 0x1000 each
//!   0x0000_0000_8000_0000  RAM (size set by --mem / -m)
//! ```

pub const MROM_BASE: u64 = 0x1000;
pub const MROM_SIZE: u64 = 0xf000;
pub const TEST_BASE: u64 = 0x10_0000;
pub const TEST_SIZE: u64 = 0x1000;
pub const CLINT_BASE: u64 = 0x200_0000;
pub const CLINT_SIZE: u64 = 0x1_0000;
pub const PLIC_BASE: u64 = 0x0c00_0000;
pub const PLIC_SIZE: u64 = 0x60_0000;
pub const UART0_BASE: u64 = 0x1000_0000;
pub const UART0_SIZE: u64 = 0x100;
pub const UART0_IRQ: u32 = 10;
pub const VIRTIO_BASE: u64 = 0x1000_1000;
pub const VIRTIO_SIZE: u64 = 0x1000;
pub const VIRTIO_COUNT: usize = 8;
/// PLIC source of virtio slot 0; slot n uses VIRTIO_IRQ + n.
pub const VIRTIO_IRQ: u32 = 1;
pub const RAM_BASE: u64 = 0x8000_0000;
pub const DEFAULT_RAM_SIZE: u64 = 128 << 20;

/// The timebase in Hz (`/cpus/timebase-frequency`), as on QEMU's virt board.
pub const TIMEBASE_HZ: u64 = 10_000_000;

/// SiFive test finisher commands (the low 16 bits of the written word).
pub const FINISHER_FAIL: u32 = 0x3333;
pub const FINISHER_PASS: u32 = 0x5555;
pub const FINISHER_RESET: u32 = 0x7777;

/// CLINT register offsets.
pub const CLINT_MSIP: u64 = 0x0;
pub const CLINT_MTIMECMP: u64 = 0x4000;
pub const CLINT_MTIME: u64 = 0xbff8;
