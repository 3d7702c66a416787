//! A virtio block device (virtio 1.1, 5.2) over a raw image file, as QEMU's
//! `virtio-blk-device` with `-drive file=...,format=raw`: one request queue,
//! 512-byte sectors, reads, writes, flush and GET_ID; with `readonly`,
//! VIRTIO_BLK_F_RO and writes refused. Host I/O errors and requests past the
//! end of the disk complete with VIRTIO_BLK_S_IOERR; a request without its
//! header or status byte breaks the queue (QEMU: "virtio-blk missing headers").

use super::queue::{Chain, QueueError, Segment};
use super::{Device, DeviceEvent, DEVICE_ID_BLOCK};
use crate::bus::dma::Dma;
use std::fs::File;
use std::os::unix::fs::FileExt;

pub const SECTOR_SIZE: u64 = 512;
const HEADER_LEN: u64 = 16;
const ID_LEN: u64 = 20;

/// Feature bits (5.2.3).
const VIRTIO_BLK_F_SEG_MAX: u64 = 1 << 2;
const VIRTIO_BLK_F_RO: u64 = 1 << 5;
const VIRTIO_BLK_F_BLK_SIZE: u64 = 1 << 6;
const VIRTIO_BLK_F_FLUSH: u64 = 1 << 9;

/// Request types and status values (5.2.6).
const VIRTIO_BLK_T_IN: u32 = 0;
const VIRTIO_BLK_T_OUT: u32 = 1;
const VIRTIO_BLK_T_FLUSH: u32 = 4;
const VIRTIO_BLK_T_GET_ID: u32 = 8;
pub const VIRTIO_BLK_S_OK: u8 = 0;
pub const VIRTIO_BLK_S_IOERR: u8 = 1;
pub const VIRTIO_BLK_S_UNSUPP: u8 = 2;

/// `struct virtio_blk_config` up to `write_zeroes_may_unmap` and its padding.
const CONFIG_LEN: usize = 60;
/// Segments a request may have, as QEMU (queue size - 2).
const SEG_MAX: u32 = super::mmio::QUEUE_MAX as u32 - 2;

/// Modelled service time: 10 us to start, then about 2.5 GB/s (1 tick = 100 ns).
const START_TICKS: u64 = 100;
const BYTES_PER_TICK: u64 = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlkOp {
    Read,
    Write,
    Flush,
    GetId,
    /// A request type this device does not know.
    Other(u32),
}

/// One request, as `--trace blk` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlkEvent {
    pub op: BlkOp,
    pub sector: u64,
    /// Data bytes (without header and status).
    pub bytes: u64,
    pub status: u8,
    /// Modelled service time in mtime ticks.
    pub ticks: u64,
}

pub struct Blk {
    file: File,
    sectors: u64,
    readonly: bool,
    config: [u8; CONFIG_LEN],
}

impl Blk {
    /// A disk over `file`: its size rounded down to whole sectors.
    pub fn new(file: File, readonly: bool) -> std::io::Result<Blk> {
        let sectors = file.metadata()?.len() / SECTOR_SIZE;
        let mut config = [0u8; CONFIG_LEN];
        config[0..8].copy_from_slice(&sectors.to_le_bytes());
        config[12..16].copy_from_slice(&SEG_MAX.to_le_bytes());
        config[20..24].copy_from_slice(&(SECTOR_SIZE as u32).to_le_bytes());
        Ok(Blk { file, sectors, readonly, config })
    }

    /// The raw image at `path`, read-write unless `readonly`.
    pub fn open(path: &std::path::Path, readonly: bool) -> std::io::Result<Blk> {
        let file = File::options().read(true).write(!readonly).open(path)?;
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        Blk::new(file, readonly)
    }

    /// A disk of `size` bytes, `first` then zeros, in a file removed at
    /// once, so nothing is left behind however the run ends.
    pub fn scratch(size: u64, first: &[u8]) -> std::io::Result<Blk> {
        let path = std::env::temp_dir().join(format!("sv39-scratch-{}-{size}", std::process::id()));
        let file = File::options().read(true).write(true).create_new(true).open(&path)?;
        std::fs::remove_file(&path)?;
        file.set_len(size)?;
        std::io::Write::write_all(&mut &file, first)?;
        Blk::new(file, false)
    }

    /// Carries out one request whose layout is known good.
    fn execute(&mut self, kind: u32, sector: u64, data: &[Segment], mem: &mut Dma) -> (u8, u64) {
        let bytes: u64 = data.iter().map(|s| u64::from(s.len)).sum();
        let status = match kind {
            VIRTIO_BLK_T_IN | VIRTIO_BLK_T_OUT if !self.in_range(sector, bytes) => VIRTIO_BLK_S_IOERR,
            VIRTIO_BLK_T_IN => self.transfer(sector, data, mem, false),
            // 5.2.6.2: a read-only device fails writes.
            VIRTIO_BLK_T_OUT if self.readonly => VIRTIO_BLK_S_IOERR,
            VIRTIO_BLK_T_OUT => self.transfer(sector, data, mem, true),
            VIRTIO_BLK_T_FLUSH => match self.file.sync_data() {
                Ok(()) => VIRTIO_BLK_S_OK,
                Err(_) => VIRTIO_BLK_S_IOERR,
            },
            // QEMU's drive has no serial by default: twenty zero bytes.
            VIRTIO_BLK_T_GET_ID => {
                let mut left = ID_LEN;
                for s in data {
                    let n = u64::from(s.len).min(left);
                    if let Some(b) = mem.slice_mut(s.addr, n) {
                        b.fill(0);
                    }
                    left -= n;
                }
                return (VIRTIO_BLK_S_OK, ID_LEN.min(bytes));
            }
            _ => VIRTIO_BLK_S_UNSUPP,
        };
        (status, bytes)
    }

    /// Whether [sector, sector + bytes) is whole sectors inside the disk.
    fn in_range(&self, sector: u64, bytes: u64) -> bool {
        bytes.is_multiple_of(SECTOR_SIZE)
            && sector.checked_add(bytes / SECTOR_SIZE).is_some_and(|end| end <= self.sectors)
    }

    /// Reads the disk into the buffers, or writes them to it.
    fn transfer(&mut self, sector: u64, data: &[Segment], mem: &mut Dma, write: bool) -> u8 {
        let mut pos = sector * SECTOR_SIZE;
        for s in data {
            let len = u64::from(s.len);
            let done = if write {
                mem.slice(s.addr, len).map(|b| self.file.write_all_at(b, pos))
            } else {
                mem.slice_mut(s.addr, len).map(|b| self.file.read_exact_at(b, pos))
            };
            if !matches!(done, Some(Ok(()))) {
                return VIRTIO_BLK_S_IOERR;
            }
            pos += len;
        }
        VIRTIO_BLK_S_OK
    }
}

/// The layout of a request (5.2.6): a 16-byte header in the device-readable
/// bytes, then the data, then a status byte, the last device-writable byte.
struct Layout {
    header: [u8; 16],
    /// The data buffers: readable ones for a write, writable ones otherwise.
    data: Vec<Segment>,
    status_at: u64,
}

fn layout(chain: &Chain, mem: &Dma) -> Option<Layout> {
    let readable: Vec<Segment> = chain.segments.iter().filter(|s| !s.write).copied().collect();
    let writable: Vec<Segment> = chain.segments.iter().filter(|s| s.write).copied().collect();
    let mut header = [0u8; 16];
    let after_header = gather(&readable, HEADER_LEN, mem, &mut header)?;
    let last = writable.iter().rposition(|s| s.len > 0)?;
    let status_at = writable[last].addr + u64::from(writable[last].len) - 1;
    let kind = u32::from_le_bytes(header[0..4].try_into().unwrap());
    let data = if kind == VIRTIO_BLK_T_OUT {
        after_header
    } else {
        let mut data = writable[..=last].to_vec();
        if let Some(s) = data.last_mut() {
            s.len -= 1;
        }
        data.retain(|s| s.len > 0);
        data
    };
    Some(Layout { header, data, status_at })
}

/// Copies the first `out.len()` readable bytes into `out`; the segments
/// that follow them (the rest of a split one included), or None if short.
fn gather(segments: &[Segment], len: u64, mem: &Dma, out: &mut [u8]) -> Option<Vec<Segment>> {
    let mut got = 0u64;
    let mut rest = Vec::new();
    for s in segments {
        let take = (len - got).min(u64::from(s.len));
        if take > 0 {
            out[got as usize..(got + take) as usize].copy_from_slice(mem.slice(s.addr, take)?);
            got += take;
        }
        if take < u64::from(s.len) {
            rest.push(Segment { addr: s.addr + take, len: s.len - take as u32, write: false });
        }
    }
    (got == len).then_some(rest)
}

impl Device for Blk {
    fn device_id(&self) -> u32 {
        DEVICE_ID_BLOCK
    }

    fn features(&self) -> u64 {
        let ro = if self.readonly { VIRTIO_BLK_F_RO } else { 0 };
        VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | ro
    }

    fn queue_count(&self) -> usize {
        1
    }

    fn config(&self) -> &[u8] {
        &self.config
    }

    fn cost(&self, chain: &Chain) -> u64 {
        let (r, w) = chain.lengths();
        START_TICKS + (r + w) / BYTES_PER_TICK
    }

    fn serve(&mut self, _queue: usize, chain: &Chain, mem: &mut Dma) -> Result<(u32, DeviceEvent), QueueError> {
        let l = layout(chain, mem).ok_or(QueueError::BadRequest)?;
        let kind = u32::from_le_bytes(l.header[0..4].try_into().unwrap());
        let sector = u64::from_le_bytes(l.header[8..16].try_into().unwrap());
        let (status, bytes) = self.execute(kind, sector, &l.data, mem);
        mem.slice_mut(l.status_at, 1).ok_or(QueueError::BadAddress(l.status_at))?[0] = status;
        let written = match kind {
            VIRTIO_BLK_T_IN | VIRTIO_BLK_T_GET_ID if status == VIRTIO_BLK_S_OK => bytes + 1,
            _ => 1,
        };
        let op = match kind {
            VIRTIO_BLK_T_IN => BlkOp::Read,
            VIRTIO_BLK_T_OUT => BlkOp::Write,
            VIRTIO_BLK_T_FLUSH => BlkOp::Flush,
            VIRTIO_BLK_T_GET_ID => BlkOp::GetId,
            other => BlkOp::Other(other),
        };
        let event = BlkEvent { op, sector, bytes, status, ticks: self.cost(chain) };
        Ok((written as u32, DeviceEvent::Blk(event)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::code_pages::CodePages;
    use crate::bus::ram::Ram;
    use crate::devices::virtio::mmio::VirtioMmio;
    use crate::devices::virtio::status::*;
    use crate::devices::Mmio;
    use std::io::{Read, Seek, Write};

    const BASE: u64 = 0x8000_0000;
    const DESC: u64 = BASE;
    const AVAIL: u64 = BASE + 0x1000;
    const USED: u64 = BASE + 0x2000;
    const HEADER: u64 = BASE + 0x3000;
    const DATA: u64 = BASE + 0x4000;
    const STATUS: u64 = BASE + 0x8000;
    const NEXT: u16 = 1;
    const WRITE: u16 = 2;
    const QSIZE: u16 = 16;

    /// A driver of one block device in 64 KiB of RAM, as Linux's
    /// virtio_blk: header, data and status descriptors; queue of 8.
    struct Driver {
        ram: Ram,
        code: CodePages,
        dev: VirtioMmio,
        avail: u64,
        used: u64,
        avail_idx: u16,
        now: u64,
    }

    fn disk(sectors: u64) -> (File, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!("sv39-blk-test-{}-{:?}", std::process::id(), std::thread::current().id()));
        let mut f = File::options().read(true).write(true).create(true).truncate(true).open(&path).unwrap();
        let bytes: Vec<u8> = (0..sectors * SECTOR_SIZE).map(|i| (i / SECTOR_SIZE) as u8 ^ i as u8).collect();
        f.write_all(&bytes).unwrap();
        (f, path)
    }

    impl Driver {
        fn new(blk: Blk, legacy: bool) -> Driver {
            let mut d = Driver {
                ram: Ram::new(BASE, 0x10000).unwrap(),
                code: CodePages::new(0x10000),
                dev: VirtioMmio::new(Box::new(blk), legacy),
                // 4.2.4: a legacy queue's rings follow its descriptors, the
                // used ring at the next QueueAlign boundary.
                avail: if legacy { DESC + 16 * u64::from(QSIZE) } else { AVAIL },
                used: if legacy { (DESC + 16 * u64::from(QSIZE) + 6 + 2 * u64::from(QSIZE)).div_ceil(4096) * 4096 } else { USED },
                avail_idx: 0,
                now: 0,
            };
            d.w(0x070, ACKNOWLEDGE | DRIVER);
            d.w(0x024, 0);
            let features = d.r(0x010);
            d.w(0x020, features);
            d.w(0x024, 1);
            d.w(0x020, if legacy { 0 } else { 1 });
            d.w(0x030, 0);
            d.w(0x038, u32::from(QSIZE));
            if legacy {
                d.w(0x028, 4096);
                d.w(0x03c, 4096);
                d.w(0x040, (DESC >> 12) as u32);
            } else {
                d.w(0x070, ACKNOWLEDGE | DRIVER | FEATURES_OK);
                assert_ne!(d.r(0x070) & FEATURES_OK, 0, "features accepted");
                for (reg, addr) in [(0x080, DESC), (0x090, AVAIL), (0x0a0, USED)] {
                    d.w(reg, addr as u32);
                    d.w(reg + 4, (addr >> 32) as u32);
                }
                d.w(0x044, 1);
            }
            let status = d.r(0x070);
            d.w(0x070, status | DRIVER_OK);
            d
        }

        fn r(&mut self, offset: u64) -> u32 {
            self.dev.read(offset, 4).unwrap() as u32
        }

        fn w(&mut self, offset: u64, value: u32) {
            self.dev.write(offset, 4, u64::from(value)).unwrap();
        }

        fn desc(&mut self, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
            let at = DESC + 16 * u64::from(i);
            self.ram.write(at, 8, addr);
            self.ram.write(at + 8, 4, u64::from(len));
            self.ram.write(at + 12, 2, u64::from(flags));
            self.ram.write(at + 14, 2, u64::from(next));
        }

        /// Posts a request of `kind` at `sector` with `len` data bytes and notifies.
        fn request(&mut self, kind: u32, sector: u64, len: u32) {
            self.ram.write(HEADER, 4, u64::from(kind));
            self.ram.write(HEADER + 8, 8, sector);
            self.ram.write(STATUS, 1, 0xff);
            let data_flags = if kind == VIRTIO_BLK_T_OUT { NEXT } else { NEXT | WRITE };
            let status = if len == 0 { 1 } else { 2 };
            self.desc(0, HEADER, 16, NEXT, 1);
            if len != 0 {
                self.desc(1, DATA, len, data_flags, 2);
            }
            self.desc(status, STATUS, 1, WRITE, 0);
            self.post(0);
        }

        fn post(&mut self, head: u16) {
            self.ram.write(self.avail + 4 + 2 * u64::from(self.avail_idx % QSIZE), 2, u64::from(head));
            self.avail_idx += 1;
            self.ram.write(self.avail + 2, 2, u64::from(self.avail_idx));
            self.w(0x050, 0);
        }

        /// Lets modelled time pass until the device is idle; the mtime it took.
        fn run(&mut self) -> u64 {
            let start = self.now;
            while let Some(due) = self.dev.due() {
                self.now = self.now.max(due);
                self.dev.service(self.now, &mut Dma::new(&mut self.ram, &mut self.code));
            }
            self.now - start
        }

        fn status(&self) -> u8 {
            self.ram.read(STATUS, 1).unwrap() as u8
        }
    }

    #[test]
    fn identifies_as_a_block_device_with_its_capacity() {
        let (f, path) = disk(64);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), false);
        assert_eq!(d.r(0x000), 0x7472_6976);
        assert_eq!(d.r(0x004), 2);
        assert_eq!(d.r(0x008), 2, "block device");
        assert_eq!(d.r(0x034), 256, "QueueNumMax");
        assert_eq!(d.dev.read(0x100, 4), Some(64), "capacity in sectors");
        assert_eq!(d.dev.read(0x104, 4), Some(0));
        assert_eq!(d.dev.read(0x114, 4), Some(512), "blk_size");
        assert_eq!(d.dev.read(0x1f0, 4), Some(0xffff_ffff), "past the config space");
        assert_eq!(d.dev.read(0x070, 2), Some(0), "narrow register reads read 0, as QEMU");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn reads_and_writes_reach_the_file() {
        let (f, path) = disk(64);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), false);
        d.request(VIRTIO_BLK_T_IN, 3, 1024);
        assert_eq!(d.status(), 0xff, "nothing happens before the device's time");
        let took = d.run();
        assert_eq!(took, START_TICKS + (16 + 1024 + 1) / BYTES_PER_TICK);
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        assert_eq!(d.ram.read(DATA, 1), Some(3), "sector 3, byte 0");
        assert_eq!(d.ram.read(DATA + 513, 1), Some(4 ^ 1), "sector 4, byte 1");
        assert_eq!(d.ram.read(d.used + 2, 2), Some(1), "used idx");
        assert_eq!(d.ram.read(d.used + 8, 4), Some(1025), "data and status written");
        assert!(d.dev.irq());
        assert_eq!(d.dev.take_irq_update(), Some(true));
        let isr = d.r(0x060);
        d.w(0x064, isr);
        assert!(!d.dev.irq(), "acknowledged");
        assert_eq!(d.dev.take_irq_update(), Some(false));

        d.ram.write_bytes(DATA, &[0xab; 512]).unwrap();
        d.request(VIRTIO_BLK_T_OUT, 10, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        d.request(VIRTIO_BLK_T_FLUSH, 0, 0);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        let mut back = vec![0u8; 64 * 512];
        let mut f = File::open(&path).unwrap();
        f.rewind().unwrap();
        f.read_exact(&mut back).unwrap();
        assert!(back[10 * 512..11 * 512].iter().all(|&b| b == 0xab), "written to the file");
        assert_eq!(back[11 * 512], 11, "the next sector untouched");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn errors_complete_with_a_status() {
        let (f, path) = disk(8);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), false);
        d.request(VIRTIO_BLK_T_IN, 7, 1024);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_IOERR, "runs past the end");
        d.request(VIRTIO_BLK_T_IN, u64::MAX, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_IOERR, "sector overflow");
        d.request(VIRTIO_BLK_T_IN, 0, 100);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_IOERR, "not whole sectors");
        d.request(77, 0, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_UNSUPP);
        d.request(VIRTIO_BLK_T_GET_ID, 0, 20);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        assert_eq!(d.r(0x070) & DEVICE_NEEDS_RESET, 0, "request errors do not break the device");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_read_only_disk_refuses_writes() {
        let (f, path) = disk(8);
        drop(f);
        let mut d = Driver::new(Blk::open(&path, true).unwrap(), false);
        d.w(0x014, 0);
        assert_ne!(d.r(0x010) & VIRTIO_BLK_F_RO as u32, 0, "VIRTIO_BLK_F_RO offered");
        d.request(VIRTIO_BLK_T_OUT, 0, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_IOERR);
        d.request(VIRTIO_BLK_T_IN, 0, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_hostile_chain_needs_a_reset() {
        let (f, path) = disk(8);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), false);
        d.desc(0, HEADER, 16, NEXT, 1);
        d.desc(1, DATA, 512, NEXT | WRITE, 0);
        d.post(0);
        d.run();
        assert_ne!(d.r(0x070) & DEVICE_NEEDS_RESET, 0, "a descriptor loop");
        assert_eq!(d.r(0x060) & 2, 2, "configuration change interrupt");
        assert_eq!(d.ram.read(d.used + 2, 2), Some(0), "nothing used");
        d.request(VIRTIO_BLK_T_IN, 0, 512);
        d.run();
        assert_eq!(d.status(), 0xff, "a broken device serves nothing until reset");
        d.w(0x070, 0);
        assert_eq!(d.r(0x070), 0, "reset");

        let mut d = Driver::new(Blk::new(File::open(&path).unwrap(), true).unwrap(), false);
        d.desc(0, HEADER, 8, WRITE, 0);
        d.post(0);
        d.run();
        assert_ne!(d.r(0x070) & DEVICE_NEEDS_RESET, 0, "no header");

        let mut d = Driver::new(Blk::new(File::open(&path).unwrap(), true).unwrap(), false);
        d.desc(0, HEADER, 16, NEXT, 1);
        d.desc(1, 0x1000, 512, NEXT | WRITE, 2);
        d.desc(2, STATUS, 1, WRITE, 0);
        d.post(0);
        d.run();
        assert_ne!(d.r(0x070) & DEVICE_NEEDS_RESET, 0, "a buffer outside RAM");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn requests_are_served_one_at_a_time() {
        let (f, path) = disk(64);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), false);
        d.ram.write(HEADER, 4, u64::from(VIRTIO_BLK_T_IN));
        for i in 0..3u16 {
            let status = STATUS + u64::from(i);
            d.desc(3 * i, HEADER, 16, NEXT, 3 * i + 1);
            d.desc(3 * i + 1, DATA + 512 * u64::from(i), 512, NEXT | WRITE, 3 * i + 2);
            d.desc(3 * i + 2, status, 1, WRITE, 0);
            d.post(3 * i);
        }
        let took = d.run();
        assert_eq!(took, 3 * (START_TICKS + (16 + 512 + 1) / BYTES_PER_TICK));
        assert_eq!(d.ram.read(d.used + 2, 2), Some(3));
        assert_eq!(d.ram.read(d.used + 4 + 8 * 2, 4), Some(6), "heads returned in order");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn legacy_interface_places_the_queue_by_page_frame() {
        let (f, path) = disk(16);
        let mut d = Driver::new(Blk::new(f, false).unwrap(), true);
        assert_eq!(d.r(0x004), 1, "version 1");
        assert_eq!(d.r(0x040), (DESC >> 12) as u32, "QueuePFN reads back");
        d.w(0x014, 1);
        assert_eq!(d.r(0x010), 0, "no VERSION_1 in legacy");
        d.request(VIRTIO_BLK_T_IN, 5, 512);
        d.run();
        assert_eq!(d.status(), VIRTIO_BLK_S_OK);
        assert_eq!(d.ram.read(DATA, 1), Some(5));
        assert_eq!(d.used, BASE + 0x1000);
        assert_eq!(d.ram.read(d.used + 2, 2), Some(1), "used ring at the aligned place");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_modern_driver_must_accept_version_1() {
        let (f, path) = disk(8);
        let mut dev = VirtioMmio::new(Box::new(Blk::new(f, false).unwrap()), false);
        dev.write(0x070, 4, u64::from(ACKNOWLEDGE | DRIVER)).unwrap();
        dev.write(0x020, 4, 0).unwrap();
        dev.write(0x070, 4, u64::from(ACKNOWLEDGE | DRIVER | FEATURES_OK)).unwrap();
        assert_eq!(dev.read(0x070, 4).unwrap() as u32 & FEATURES_OK, 0, "FEATURES_OK refused");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_scratch_disk_leaves_no_file_and_starts_with_its_first_page() {
        let size = 3 * 4096 + 512;
        let blk = Blk::scratch(size, b"first").unwrap();
        let path = std::env::temp_dir().join(format!("sv39-scratch-{}-{size}", std::process::id()));
        assert!(!path.exists(), "{} is gone at once", path.display());
        assert_eq!(blk.sectors, size / SECTOR_SIZE);
        let mut head = [0u8; 8];
        std::os::unix::fs::FileExt::read_exact_at(&blk.file, &mut head, 0).unwrap();
        assert_eq!(&head, b"first\0\0\0");
    }
}
