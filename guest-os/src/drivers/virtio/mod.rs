//! virtio over MMIO (virtio 1.1, 4.2.2), driver side: finding the devices in
//! the device tree, the transport's registers in both layouts (version 2,
//! and legacy version 1 as QEMU gives by default), feature negotiation
//! (3.1.1), and placing split virtqueues (`queue`). Devices: `blk`, `console`, `p9`.

pub mod blk;
pub mod console;
pub mod p9;
pub mod queue;

use super::{read32, write32};
use queue::Virtqueue;

const MAGIC_VALUE: u64 = 0x000;
const VERSION: u64 = 0x004;
const DEVICE_ID: u64 = 0x008;
const DEVICE_FEATURES: u64 = 0x010;
const DEVICE_FEATURES_SEL: u64 = 0x014;
const DRIVER_FEATURES: u64 = 0x020;
const DRIVER_FEATURES_SEL: u64 = 0x024;
const GUEST_PAGE_SIZE: u64 = 0x028;
const QUEUE_SEL: u64 = 0x030;
const QUEUE_NUM_MAX: u64 = 0x034;
const QUEUE_NUM: u64 = 0x038;
const QUEUE_ALIGN: u64 = 0x03c;
const QUEUE_PFN: u64 = 0x040;
const QUEUE_READY: u64 = 0x044;
const QUEUE_NOTIFY: u64 = 0x050;
const INTERRUPT_STATUS: u64 = 0x060;
const INTERRUPT_ACK: u64 = 0x064;
const STATUS: u64 = 0x070;
const QUEUE_DESC_LOW: u64 = 0x080;
const QUEUE_DRIVER_LOW: u64 = 0x090;
const QUEUE_DEVICE_LOW: u64 = 0x0a0;
const CONFIG: u64 = 0x100;

const MAGIC: u32 = 0x7472_6976;
const STATUS_ACKNOWLEDGE: u32 = 1;
const STATUS_DRIVER: u32 = 2;
const STATUS_DRIVER_OK: u32 = 4;
const STATUS_FEATURES_OK: u32 = 8;
const STATUS_FAILED: u32 = 128;
pub const F_VERSION_1: u64 = 1 << 32;

pub const DEVICE_ID_BLOCK: u32 = 2;
pub const DEVICE_ID_CONSOLE: u32 = 3;
pub const DEVICE_ID_9P: u32 = 9;

/// Why a device could not be brought up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// The device refused the features we can drive (FEATURES_OK stayed clear).
    Features,
    /// The queue is missing or smaller than we need.
    Queue,
    NoMemory,
}

/// One virtio-mmio slot with a device behind it.
pub struct Transport {
    /// Kernel address of the registers.
    base: u64,
    legacy: bool,
    pub device_id: u32,
    pub irq: u32,
}

impl Transport {
    /// The device at kernel address `base`, if the slot holds one.
    pub fn probe(base: u64, irq: u32) -> Option<Transport> {
        let t = Transport { base, legacy: false, device_id: 0, irq };
        if t.read(MAGIC_VALUE) != MAGIC {
            return None;
        }
        let legacy = match t.read(VERSION) {
            1 => true,
            2 => false,
            _ => return None,
        };
        let device_id = t.read(DEVICE_ID);
        (device_id != 0).then_some(Transport { legacy, device_id, ..t })
    }

    fn read(&self, offset: u64) -> u32 {
        // SAFETY: `base` maps a virtio-mmio slot (from the DTB), 0x200 bytes.
        unsafe { read32(self.base + offset) }
    }

    fn write(&self, offset: u64, value: u32) {
        // SAFETY: as in `read`.
        unsafe { write32(self.base + offset, value) }
    }

    /// Resets the device and negotiates (3.1.1): the features of `wanted` the
    /// device offers, VERSION_1 on a modern transport; the ones agreed.
    pub fn negotiate(&self, wanted: u64) -> Result<u64, SetupError> {
        self.write(STATUS, 0);
        self.write(STATUS, STATUS_ACKNOWLEDGE);
        self.write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        let mut offered = 0u64;
        for sel in 0..2 {
            self.write(DEVICE_FEATURES_SEL, sel);
            offered |= u64::from(self.read(DEVICE_FEATURES)) << (32 * sel);
        }
        let wanted = if self.legacy { wanted & 0xffff_ffff } else { wanted | F_VERSION_1 };
        let agreed = offered & wanted;
        for sel in 0..2 {
            self.write(DRIVER_FEATURES_SEL, sel);
            self.write(DRIVER_FEATURES, (agreed >> (32 * sel)) as u32);
        }
        if !self.legacy {
            self.write(STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
            if self.read(STATUS) & STATUS_FEATURES_OK == 0 || agreed & F_VERSION_1 == 0 {
                self.write(STATUS, STATUS_FAILED);
                return Err(SetupError::Features);
            }
        }
        Ok(agreed)
    }

    /// A queue of (at most) `size` entries as queue `index` of the device.
    pub fn setup_queue(&self, index: u32, size: u16) -> Result<Virtqueue, SetupError> {
        self.write(QUEUE_SEL, index);
        let max = self.read(QUEUE_NUM_MAX);
        let size = size.min(max.min(u32::from(u16::MAX)) as u16);
        // Split queue sizes are powers of two (2.6).
        let size = if size == 0 { 0 } else { 1 << (15 - size.leading_zeros().min(15)) };
        if size < 4 {
            return Err(SetupError::Queue);
        }
        let q = Virtqueue::new(size).map_err(|_| SetupError::NoMemory)?;
        self.write(QUEUE_NUM, u32::from(size));
        if self.legacy {
            // 4.2.4: the whole queue in one page, the used ring at QueueAlign.
            self.write(GUEST_PAGE_SIZE, 4096);
            self.write(QUEUE_ALIGN, queue::USED_ALIGN as u32);
            self.write(QUEUE_PFN, (q.desc_pa() >> 12) as u32);
        } else {
            for (reg, pa) in
                [(QUEUE_DESC_LOW, q.desc_pa()), (QUEUE_DRIVER_LOW, q.avail_pa()), (QUEUE_DEVICE_LOW, q.used_pa())]
            {
                self.write(reg, pa as u32);
                self.write(reg + 4, (pa >> 32) as u32);
            }
            self.write(QUEUE_READY, 1);
        }
        Ok(q)
    }

    /// Gives up on the device (FAILED): it lacks what the driver needs.
    pub fn fail(&self) {
        self.write(STATUS, self.read(STATUS) | STATUS_FAILED);
    }

    /// A 32-bit field of the configuration space.
    pub fn config_u32(&self, offset: u64) -> u32 {
        self.read(CONFIG + offset)
    }

    /// The driver is ready: the device may use its queues.
    pub fn driver_ok(&self) {
        self.write(STATUS, self.read(STATUS) | STATUS_DRIVER_OK);
    }

    pub fn notify(&self, queue: u32) {
        self.write(QUEUE_NOTIFY, queue);
    }

    /// Acknowledges the interrupt; the InterruptStatus bits it had.
    pub fn ack_interrupt(&self) -> u32 {
        let status = self.read(INTERRUPT_STATUS);
        self.write(INTERRUPT_ACK, status);
        status
    }

    /// A 64-bit field of the configuration space read as two 32-bit halves,
    /// again until the high half holds still (no ConfigGeneration in legacy).
    pub fn config_u64(&self, offset: u64) -> u64 {
        loop {
            let high = self.read(CONFIG + offset + 4);
            let low = self.read(CONFIG + offset);
            if self.read(CONFIG + offset + 4) == high {
                return u64::from(high) << 32 | u64::from(low);
            }
        }
    }
}
