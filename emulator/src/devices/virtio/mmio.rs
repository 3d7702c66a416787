//! The virtio-mmio transport (virtio 1.1, 4.2.2), in QEMU 7.2's two layouts:
//! version 2 ("modern", `-global virtio-mmio.force-legacy=false`) and
//! version 1 (legacy, 4.2.4: the queue placed by a page frame number), and
//! an empty slot when no device sits behind it.
//!
//! As QEMU's hw/virtio/virtio-mmio.c: the transport decodes 0x200 bytes of
//! its slot; registers take 4-byte accesses (others read 0 and are ignored
//! on write); the configuration space at 0x100 takes 1, 2 and 4 bytes and
//! reads all ones past its end; an 8-byte access is two 4-byte ones. An
//! empty slot answers narrow reads with the low bytes of the register.
//!
//! Requests are served one at a time in modelled time (see `super`): the
//! bus calls `service` with the current `mtime` when `due` says so.

use super::queue::{Chain, Queue, QueueError};
use super::{feature, status, Device, DeviceEvent};
use crate::bus::dma::Dma;
use crate::devices::Mmio;

const MAGIC_VALUE: u64 = 0x000;
const VERSION: u64 = 0x004;
const DEVICE_ID: u64 = 0x008;
const VENDOR_ID: u64 = 0x00c;
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
const QUEUE_DESC_HIGH: u64 = 0x084;
const QUEUE_DRIVER_LOW: u64 = 0x090;
const QUEUE_DRIVER_HIGH: u64 = 0x094;
const QUEUE_DEVICE_LOW: u64 = 0x0a0;
const QUEUE_DEVICE_HIGH: u64 = 0x0a4;
const CONFIG_GENERATION: u64 = 0x0fc;
const CONFIG: u64 = 0x100;
/// Bytes QEMU decodes of each slot.
const REGION_SIZE: u64 = 0x200;

/// "virt" in little-endian ASCII.
const MAGIC: u32 = 0x7472_6976;
/// "QEMU" in little-endian ASCII, QEMU's vendor ID.
const VENDOR_QEMU: u32 = 0x554d_4551;
/// Entries a queue may have, as QEMU's virtio-blk (`queue-size`).
pub const QUEUE_MAX: u16 = 256;

/// InterruptStatus bits (4.2.2.1).
const INT_USED_BUFFER: u32 = 1;
const INT_CONFIG_CHANGE: u32 = 2;

/// A legacy queue's placement (4.2.4): QueuePFN pages, QueueAlign.
#[derive(Clone, Copy, Debug)]
struct LegacyQueue {
    pfn: u32,
    align: u32,
}

/// The chain being served and when it completes.
struct InFlight {
    queue: usize,
    chain: Chain,
    due: u64,
}

pub struct VirtioMmio {
    device: Option<Box<dyn Device>>,
    legacy: bool,
    status: u32,
    device_features_sel: u32,
    driver_features: u64,
    driver_features_sel: u32,
    guest_page_size: u32,
    queue_sel: u32,
    queues: Vec<Queue>,
    legacy_queues: Vec<LegacyQueue>,
    interrupt_status: u32,
    /// Queues notified and not yet drained, one bit each.
    kicked: u64,
    busy: Option<InFlight>,
    /// A chain buffer kept for the next request.
    spare: Chain,
    /// A drive of the interrupt line not yet passed to the PLIC.
    irq_update: Option<bool>,
    /// What the device did, and the `mtime` it finished, while someone traces it.
    pub events: Option<Vec<(u64, DeviceEvent)>>,
}

impl VirtioMmio {
    /// A slot with no device behind it.
    pub fn empty() -> VirtioMmio {
        VirtioMmio::build(None, false)
    }

    /// A slot with `device` behind it, modern or `legacy`.
    pub fn new(device: Box<dyn Device>, legacy: bool) -> VirtioMmio {
        VirtioMmio::build(Some(device), legacy)
    }

    fn build(device: Option<Box<dyn Device>>, legacy: bool) -> VirtioMmio {
        let n = device.as_ref().map_or(0, |d| d.queue_count());
        VirtioMmio {
            device,
            legacy,
            status: 0,
            device_features_sel: 0,
            driver_features: 0,
            driver_features_sel: 0,
            guest_page_size: 4096,
            queue_sel: 0,
            queues: vec![Queue::default(); n],
            legacy_queues: vec![LegacyQueue { pfn: 0, align: 4096 }; n],
            interrupt_status: 0,
            kicked: 0,
            busy: None,
            spare: Chain::default(),
            irq_update: None,
            events: None,
        }
    }

    /// The device behind the slot, if it is a `T`.
    pub fn device_mut<T: Device>(&mut self) -> Option<&mut T> {
        let d: &mut dyn std::any::Any = self.device.as_deref_mut()?;
        d.downcast_mut::<T>()
    }

    /// The device has new data for its receive queues: serve their chains.
    pub fn wake(&mut self) {
        if let Some(d) = &self.device {
            self.kicked |= d.ready_queues();
        }
    }

    pub fn has_device(&self) -> bool {
        self.device.is_some()
    }

    /// The virtio device ID of the device behind the slot.
    pub fn device_id(&self) -> Option<u32> {
        self.device.as_ref().map(|d| d.device_id())
    }

    /// The level of the slot's interrupt line.
    pub fn irq(&self) -> bool {
        self.interrupt_status != 0
    }

    /// The line's level if the transport drove it since the last call. As
    /// QEMU's virtio_update_irq, it drives the line when it raises an
    /// interrupt and on writes to InterruptACK and Status, not on reads.
    pub fn take_irq_update(&mut self) -> Option<bool> {
        self.irq_update.take()
    }

    fn drive_irq(&mut self) {
        self.irq_update = Some(self.irq());
    }

    /// The `mtime` at which `service` has work: now for a notified queue,
    /// later for a request in flight.
    pub fn due(&self) -> Option<u64> {
        match &self.busy {
            Some(f) => Some(f.due),
            None => (self.kicked != 0).then_some(0),
        }
    }

    /// Completes what is due by `now` and starts the next request.
    pub fn service(&mut self, now: u64, mem: &mut Dma) {
        if let Err(e) = self.try_service(now, mem) {
            self.fail(e);
        }
    }

    fn try_service(&mut self, now: u64, mem: &mut Dma) -> Result<(), QueueError> {
        if !self.live() {
            self.kicked = 0;
            return Ok(());
        }
        loop {
            if let Some(f) = &self.busy {
                if f.due > now {
                    return Ok(());
                }
                self.complete(mem)?;
            }
            if !self.start(now, mem)? {
                return Ok(());
            }
        }
    }

    /// Serves the chain in flight and returns it to the driver.
    fn complete(&mut self, mem: &mut Dma) -> Result<(), QueueError> {
        let Some(f) = self.busy.take() else { return Ok(()) };
        let device = self.device.as_mut().expect("a live slot has a device");
        let (written, event) = device.serve(f.queue, &f.chain, mem)?;
        let event_idx = self.driver_features & feature::RING_EVENT_IDX != 0;
        let q = &mut self.queues[f.queue];
        q.push_used(mem, f.chain.head, written)?;
        if q.wants_interrupt(mem, event_idx) {
            self.interrupt_status |= INT_USED_BUFFER;
            self.drive_irq();
        }
        if let Some(events) = &mut self.events {
            events.push((f.due, event));
        }
        self.spare = f.chain;
        self.wake();
        Ok(())
    }

    /// Takes the next chain of a notified queue; false when none is left.
    fn start(&mut self, now: u64, mem: &mut Dma) -> Result<bool, QueueError> {
        let event_idx = self.driver_features & feature::RING_EVENT_IDX != 0;
        let held = self.device.as_ref().map_or(0, |d| d.receive_queues() & !d.ready_queues());
        while self.kicked & !held != 0 {
            let queue = (self.kicked & !held).trailing_zeros() as usize;
            let mut chain = std::mem::take(&mut self.spare);
            if self.queues[queue].pop(mem, event_idx, &mut chain)? {
                let cost = self.device.as_ref().map_or(0, |d| d.cost(&chain));
                self.busy = Some(InFlight { queue, chain, due: now + cost });
                return Ok(true);
            }
            self.spare = chain;
            self.kicked &= !(1 << queue);
        }
        // Receive queues stay unkicked until `wake` finds something for them.
        self.kicked = 0;
        Ok(false)
    }

    /// The driver broke the queue's rules: DEVICE_NEEDS_RESET, and a
    /// configuration change interrupt once the driver is running (2.1.2).
    fn fail(&mut self, e: QueueError) {
        log::warn!("virtio: the driver broke a queue ({e:?}); the device needs a reset");
        self.busy = None;
        self.kicked = 0;
        self.status |= status::DEVICE_NEEDS_RESET;
        if self.status & status::DRIVER_OK != 0 {
            self.interrupt_status |= INT_CONFIG_CHANGE;
            self.drive_irq();
        }
    }

    /// Whether the device serves its queues: the driver is ready and the
    /// device has not failed.
    fn live(&self) -> bool {
        self.device.is_some() && self.status & status::DRIVER_OK != 0 && self.status & status::DEVICE_NEEDS_RESET == 0
    }

    fn offered_features(&self) -> u64 {
        let Some(d) = &self.device else { return 0 };
        let ring = feature::RING_INDIRECT_DESC | feature::RING_EVENT_IDX;
        let transport = if self.legacy { feature::ANY_LAYOUT } else { feature::VERSION_1 };
        d.features() | ring | transport
    }

    /// Device reset (a 0 written to Status, 4.2.2.1): everything but the device's contents.
    fn reset(&mut self) {
        let device = self.device.take();
        let legacy = self.legacy;
        let events = self.events.take();
        *self = VirtioMmio::build(device, legacy);
        self.events = events;
    }

    fn write_status(&mut self, value: u32) {
        if value == 0 {
            self.reset();
            return;
        }
        let mut value = value | (self.status & status::DEVICE_NEEDS_RESET);
        // 3.1.1: the device refuses features it did not offer, and a modern
        // driver must accept VERSION_1 (6.1).
        if value & status::FEATURES_OK != 0 && self.status & status::FEATURES_OK == 0 {
            let offered = self.offered_features();
            let version_ok = self.legacy || self.driver_features & feature::VERSION_1 != 0;
            if self.driver_features & !offered != 0 || !version_ok {
                value &= !status::FEATURES_OK;
            }
        }
        self.status = value;
    }

    fn queue(&mut self) -> Option<&mut Queue> {
        self.queues.get_mut(self.queue_sel as usize)
    }

    /// Places a legacy queue from its page frame number (4.2.4): the
    /// descriptors, the available ring after them, the used ring at the next
    /// QueueAlign boundary.
    fn place_legacy_queue(&mut self) {
        let sel = self.queue_sel as usize;
        let (Some(l), Some(q)) = (self.legacy_queues.get(sel).copied(), self.queues.get_mut(sel)) else { return };
        q.ready = l.pfn != 0;
        q.desc = u64::from(l.pfn) * u64::from(self.guest_page_size);
        q.avail = q.desc + 16 * u64::from(q.size);
        let align = u64::from(l.align.max(1));
        q.used = (q.avail + 6 + 2 * u64::from(q.size)).div_ceil(align) * align;
    }

    fn read_register(&mut self, offset: u64) -> u32 {
        let Some(device) = &self.device else {
            return match offset {
                MAGIC_VALUE => MAGIC,
                VERSION => 2,
                VENDOR_ID => VENDOR_QEMU,
                _ => 0,
            };
        };
        match offset {
            MAGIC_VALUE => MAGIC,
            VERSION => {
                if self.legacy {
                    1
                } else {
                    2
                }
            }
            DEVICE_ID => device.device_id(),
            VENDOR_ID => VENDOR_QEMU,
            DEVICE_FEATURES => match self.device_features_sel {
                0 => self.offered_features() as u32,
                1 => (self.offered_features() >> 32) as u32,
                _ => 0,
            },
            QUEUE_NUM_MAX => self.queue().map_or(0, |_| u32::from(QUEUE_MAX)),
            QUEUE_PFN if self.legacy => self.legacy_queues.get(self.queue_sel as usize).map_or(0, |l| l.pfn),
            QUEUE_READY if !self.legacy => self.queue().map_or(0, |q| u32::from(q.ready)),
            INTERRUPT_STATUS => self.interrupt_status,
            STATUS => self.status,
            QUEUE_DESC_LOW if !self.legacy => self.queue().map_or(0, |q| q.desc as u32),
            QUEUE_DESC_HIGH if !self.legacy => self.queue().map_or(0, |q| (q.desc >> 32) as u32),
            QUEUE_DRIVER_LOW if !self.legacy => self.queue().map_or(0, |q| q.avail as u32),
            QUEUE_DRIVER_HIGH if !self.legacy => self.queue().map_or(0, |q| (q.avail >> 32) as u32),
            QUEUE_DEVICE_LOW if !self.legacy => self.queue().map_or(0, |q| q.used as u32),
            QUEUE_DEVICE_HIGH if !self.legacy => self.queue().map_or(0, |q| (q.used >> 32) as u32),
            // The configuration never changes under the driver.
            CONFIG_GENERATION => 0,
            _ => 0,
        }
    }

    fn write_register(&mut self, offset: u64, value: u32) {
        if self.device.is_none() {
            return;
        }
        let set_low = |old: u64| (old & !0xffff_ffff) | u64::from(value);
        let set_high = |old: u64| (old & 0xffff_ffff) | u64::from(value) << 32;
        match offset {
            DEVICE_FEATURES_SEL => self.device_features_sel = value,
            DRIVER_FEATURES => match self.driver_features_sel {
                0 => self.driver_features = set_low(self.driver_features),
                1 => self.driver_features = set_high(self.driver_features),
                _ => {}
            },
            DRIVER_FEATURES_SEL => self.driver_features_sel = value,
            GUEST_PAGE_SIZE if self.legacy => self.guest_page_size = value,
            QUEUE_SEL => self.queue_sel = value,
            // Sizes above the maximum are ignored, as QEMU's virtio_queue_set_num.
            QUEUE_NUM if value <= u32::from(QUEUE_MAX) => {
                if let Some(q) = self.queue() {
                    q.size = value as u16;
                }
                if self.legacy {
                    self.place_legacy_queue();
                }
            }
            QUEUE_ALIGN if self.legacy => {
                if let Some(l) = self.legacy_queues.get_mut(self.queue_sel as usize) {
                    l.align = value;
                }
                self.place_legacy_queue();
            }
            QUEUE_PFN if self.legacy => {
                if let Some(l) = self.legacy_queues.get_mut(self.queue_sel as usize) {
                    l.pfn = value;
                }
                self.place_legacy_queue();
            }
            QUEUE_READY if !self.legacy => {
                if let Some(q) = self.queue() {
                    q.ready = value & 1 != 0;
                }
            }
            QUEUE_NOTIFY if (value as usize) < self.queues.len() => self.kicked |= 1 << value,
            INTERRUPT_ACK => {
                self.interrupt_status &= !value;
                self.drive_irq();
            }
            STATUS => {
                self.write_status(value);
                self.drive_irq();
            }
            QUEUE_DESC_LOW if !self.legacy => self.set_queue(|q| q.desc = set_low(q.desc)),
            QUEUE_DESC_HIGH if !self.legacy => self.set_queue(|q| q.desc = set_high(q.desc)),
            QUEUE_DRIVER_LOW if !self.legacy => self.set_queue(|q| q.avail = set_low(q.avail)),
            QUEUE_DRIVER_HIGH if !self.legacy => self.set_queue(|q| q.avail = set_high(q.avail)),
            QUEUE_DEVICE_LOW if !self.legacy => self.set_queue(|q| q.used = set_low(q.used)),
            QUEUE_DEVICE_HIGH if !self.legacy => self.set_queue(|q| q.used = set_high(q.used)),
            _ => {}
        }
    }

    fn set_queue(&mut self, f: impl FnOnce(&mut Queue)) {
        if let Some(q) = self.queue() {
            f(q);
        }
    }

    /// `size` bytes of the configuration space at `offset` (from 0x100),
    /// all ones past its end as QEMU.
    fn read_config(&self, offset: u64, size: u8) -> u64 {
        let config = self.device.as_ref().map_or(&[][..], |d| d.config());
        let (start, end) = (offset as usize, offset as usize + usize::from(size));
        if self.device.is_none() {
            return 0;
        }
        match config.get(start..end) {
            Some(bytes) => bytes.iter().rev().fold(0, |v, &b| v << 8 | u64::from(b)),
            None => u64::MAX >> (64 - 8 * u32::from(size)),
        }
    }

    fn read_sized(&mut self, offset: u64, size: u8) -> u64 {
        if offset >= CONFIG {
            return self.read_config(offset - CONFIG, size);
        }
        match (size, self.device.is_some()) {
            (4, _) => u64::from(self.read_register(offset)),
            (_, false) => u64::from(self.read_register(offset)) & (u64::MAX >> (64 - 8 * u32::from(size))),
            // QEMU: "wrong size access to register!", reads 0.
            (_, true) => 0,
        }
    }
}

fn valid(offset: u64, size: u8) -> bool {
    matches!(size, 1 | 2 | 4 | 8) && offset.is_multiple_of(u64::from(size)) && offset < REGION_SIZE
}

impl Mmio for VirtioMmio {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if !valid(offset, size) {
            return None;
        }
        Some(match size {
            8 => self.read_sized(offset, 4) | self.read_sized(offset + 4, 4) << 32,
            _ => self.read_sized(offset, size),
        })
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()> {
        if !valid(offset, size) {
            return None;
        }
        match size {
            // The configuration space of a block device is read-only here
            // (no VIRTIO_BLK_F_CONFIG_WCE), and narrow register writes are ignored.
            4 if offset < CONFIG => self.write_register(offset, value as u32),
            8 if offset < CONFIG => {
                self.write_register(offset, value as u32);
                self.write_register(offset + 4, (value >> 32) as u32);
            }
            _ => {}
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_as_empty_version_2_qemu_slot() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0x000, 4), Some(0x7472_6976));
        assert_eq!(v.read(0x004, 4), Some(2));
        assert_eq!(v.read(0x008, 4), Some(0));
        assert_eq!(v.read(0x00c, 4), Some(0x554d_4551));
        assert_eq!(v.read(0x010, 4), Some(0));
        assert_eq!(v.read(0x1fc, 4), Some(0));
    }

    #[test]
    fn narrow_and_wide_reads_as_qemu() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0, 1), Some(0x76));
        assert_eq!(v.read(1, 1), Some(0));
        assert_eq!(v.read(0, 2), Some(0x6976));
        assert_eq!(v.read(2, 2), Some(0));
        assert_eq!(v.read(0, 8), Some(0x2_7472_6976));
        assert_eq!(v.read(8, 8), Some(0x554d_4551_0000_0000));
    }

    #[test]
    fn writes_to_an_empty_slot_are_ignored() {
        let mut v = VirtioMmio::empty();
        for offset in (0..0x200).step_by(4) {
            assert_eq!(v.write(offset, 4, u64::MAX), Some(()));
        }
        assert_eq!(v.read(0x000, 4), Some(0x7472_6976));
        assert_eq!(v.read(0x070, 4), Some(0));
        assert_eq!(v.due(), None);
    }

    #[test]
    fn rejects_outside_region_or_misaligned() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0x200, 4), None);
        assert_eq!(v.read(0xffc, 4), None);
        assert_eq!(v.write(0x200, 4, 0), None);
        assert_eq!(v.read(2, 4), None);
        assert_eq!(v.read(4, 8), None);
        assert_eq!(v.read(0, 3), None);
        assert_eq!(v.read(u64::MAX, 1), None);
    }
}
