//! The system bus: RAM, and the devices of the virt board behind a range map
//! that rejects overlaps. Devices see offsets from their base. Harts reach RAM
//! directly through their TLBs; everything else comes through `read`/`write`.

pub mod code_pages;
pub mod dma;
pub mod ram;

use crate::devices::clint::Clint;
use crate::devices::mrom::Mrom;
use crate::devices::plic::Plic;
use crate::devices::test_finisher::TestFinisher;
use crate::devices::uart::Uart;
use crate::devices::virtio::mmio::VirtioMmio;
use crate::devices::Mmio;
use crate::loader::htif::Htif;
use crate::mmu::walk::PhysMem;
use code_pages::CodePages;
use ram::Ram;
use sv39_arch::memmap::{MROM_SIZE, UART0_IRQ, VIRTIO_IRQ};
use sv39_arch::sv39::PAGE_SHIFT;

/// Which device a range of the address map belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceId {
    Mrom,
    TestFinisher,
    Clint,
    Plic,
    Uart,
    Virtio(usize),
}

#[derive(Clone, Copy, Debug)]
struct Region {
    base: u64,
    size: u64,
    dev: DeviceId,
}

/// Two devices claimed overlapping ranges.
#[derive(Debug, PartialEq, Eq)]
pub struct Overlap {
    pub base: u64,
    pub size: u64,
}

/// How time advances: with retired instructions (deterministic) or with the host clock.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// `mtime` advances one tick every this many instructions of each hart.
    Instructions { per_tick: u64 },
    Realtime { start: std::time::Instant },
}

pub struct Bus {
    pub ram: Ram,
    pub code: CodePages,
    pub mrom: Mrom,
    pub clint: Clint,
    pub plic: Plic,
    pub uart: Uart,
    pub finisher: TestFinisher,
    pub virtio: Vec<VirtioMmio>,
    pub htif: Option<Htif>,
    pub clock: Clock,
    /// Set when a device access may have changed an interrupt line or ended the
    /// run: the hart ends its batch so the machine looks.
    pub event: bool,
    map: Vec<Region>,
}

impl Bus {
    pub fn new(ram: Ram, clint: Clint, plic: Plic, uart: Uart, clock: Clock) -> Bus {
        let code = CodePages::new(ram.size());
        Bus {
            ram,
            code,
            mrom: Mrom::new(MROM_SIZE),
            clint,
            plic,
            uart,
            finisher: TestFinisher::new(),
            virtio: Vec::new(),
            htif: None,
            clock,
            event: false,
            map: Vec::new(),
        }
    }

    /// Places a device at [base, base + size).
    pub fn map_device(&mut self, base: u64, size: u64, dev: DeviceId) -> Result<(), Overlap> {
        let ram_overlaps = base < self.ram.base() + self.ram.size() && self.ram.base() < base + size;
        let dev_overlaps = self.map.iter().any(|r| base < r.base + r.size && r.base < base + size);
        if ram_overlaps || dev_overlaps {
            return Err(Overlap { base, size });
        }
        let at = self.map.partition_point(|r| r.base < base);
        self.map.insert(at, Region { base, size, dev });
        Ok(())
    }

    /// The devices' ranges in address order: (base, size, device).
    pub fn devices(&self) -> impl Iterator<Item = (u64, u64, DeviceId)> + '_ {
        self.map.iter().map(|r| (r.base, r.size, r.dev))
    }

    fn find(&self, pa: u64) -> Option<(DeviceId, u64)> {
        let i = self.map.partition_point(|r| r.base <= pa).checked_sub(1)?;
        let r = self.map[i];
        (pa - r.base < r.size).then_some((r.dev, pa - r.base))
    }

    fn device(&mut self, dev: DeviceId) -> &mut dyn Mmio {
        match dev {
            DeviceId::Mrom => &mut self.mrom,
            DeviceId::TestFinisher => &mut self.finisher,
            DeviceId::Clint => &mut self.clint,
            DeviceId::Plic => &mut self.plic,
            DeviceId::Uart => &mut self.uart,
            DeviceId::Virtio(i) => &mut self.virtio[i],
        }
    }

    /// The RAM page index of physical address `pa`, if it is RAM.
    #[inline(always)]
    pub fn ram_page(&self, pa: u64) -> Option<usize> {
        self.ram.offset(pa, 1).map(|off| off >> PAGE_SHIFT)
    }

    /// Reads `size` bytes at `pa`; None is a bus error (an access fault).
    /// Device registers must be naturally aligned.
    pub fn read(&mut self, pa: u64, size: u64) -> Option<u64> {
        if let Some(v) = self.ram.read(pa, size) {
            return Some(v);
        }
        let (dev, off) = self.find(pa)?;
        if !size.is_power_of_two() || off % size != 0 {
            return None;
        }
        let v = self.device(dev).read(off, size as u8);
        self.after_device_access(dev);
        v
    }

    /// Writes the low `size` bytes of `value` at `pa`; None is a bus error.
    pub fn write(&mut self, pa: u64, size: u64, value: u64) -> Option<()> {
        if self.ram.write(pa, size, value).is_some() {
            self.after_ram_write(pa, size);
            return Some(());
        }
        let (dev, off) = self.find(pa)?;
        if !size.is_power_of_two() || off % size != 0 {
            return None;
        }
        let r = self.device(dev).write(off, size as u8, value);
        self.after_device_access(dev);
        self.event = true;
        r
    }

    /// Keeps the decode cache coherent and notices HTIF mail.
    fn after_ram_write(&mut self, pa: u64, size: u64) {
        for page in [pa >> PAGE_SHIFT, (pa + size - 1) >> PAGE_SHIFT] {
            let Some(page) = self.ram_page(page << PAGE_SHIFT) else { continue };
            if self.code.is_special(page) {
                self.code.on_write(page);
                if self.code.is_watched(page) && self.htif.as_ref().is_some_and(|h| h.is_doorbell(pa, size)) {
                    self.event = true;
                }
            }
        }
    }

    /// Device interrupt lines into the PLIC.
    fn after_device_access(&mut self, dev: DeviceId) {
        match dev {
            DeviceId::Uart => self.forward_uart_irq(),
            DeviceId::Virtio(i) => self.forward_virtio_irq(i),
            _ => {}
        }
    }

    /// Drives slot `i`'s interrupt line into the PLIC when the transport
    /// drove it (as UART: every drive counts).
    fn forward_virtio_irq(&mut self, i: usize) {
        if let Some(level) = self.virtio[i].take_irq_update() {
            self.plic.set_level(VIRTIO_IRQ + i as u32, level);
            self.event = true;
        }
    }

    /// The earliest `mtime` at which a virtio device has work (see `serve_devices`).
    pub fn device_due(&self) -> Option<u64> {
        self.virtio.iter().filter_map(VirtioMmio::due).min()
    }

    /// Lets the virtio devices complete and start requests due by `now`.
    pub fn serve_devices(&mut self, now: u64) {
        for i in 0..self.virtio.len() {
            if self.virtio[i].due().is_some_and(|d| d <= now) {
                let mut dma = dma::Dma::new(&mut self.ram, &mut self.code);
                self.virtio[i].service(now, &mut dma);
                self.forward_virtio_irq(i);
            }
        }
    }

    /// Drives the UART's interrupt line into the PLIC (every drive counts:
    /// see `Uart::take_irq_update`).
    pub fn forward_uart_irq(&mut self) {
        if let Some(level) = self.uart.take_irq_update() {
            self.plic.set_level(UART0_IRQ, level);
            self.event = true;
        }
    }

    /// The current `mtime` for a hart that has run `cycle` instructions.
    pub fn ticks(&self, cycle: u64) -> u64 {
        match self.clock {
            Clock::Instructions { per_tick } => cycle / per_tick,
            // mtime counts at TIMEBASE_HZ = 10 MHz: one tick every 100 ns.
            Clock::Realtime { start } => (start.elapsed().as_nanos() / 100) as u64,
        }
    }
}

impl PhysMem for Bus {
    fn read_pte(&mut self, pa: u64) -> Option<u64> {
        self.ram.read_u64(pa)
    }

    fn write_pte(&mut self, pa: u64, pte: u64) -> Option<()> {
        self.ram.write(pa, 8, pte)?;
        self.after_ram_write(pa, 8);
        Some(())
    }
}
