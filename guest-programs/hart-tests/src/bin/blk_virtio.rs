//! A virtio block device on the first virtio-mmio slot (virtio 1.1, 4.2.2
//! MMIO transport, 2.6 split virtqueues, 5.2 block device), driven from M
//! mode as a kernel's driver does, in either interface the slot shows
//! (version 2, or legacy version 1 with QueuePFN): feature negotiation, a
//! queue of 8, reads, writes, flush, an indirect table, GET_ID and a read
//! past the end, each completion waited for in WFI and taken from the PLIC
//! (source 1, context 0).
//!
//! The host gives a 64-sector disk whose byte i of sector s is s ^ (i & 0xff);
//! this program writes 0xab over sector 10 unless the disk is read-only, and
//! tests/virtio_blk.rs checks the file afterwards. Run with `--drive`
//! (QEMU: `-drive ... -device virtio-blk-device,bus=virtio-mmio-bus.0`).
#![no_std]
#![no_main]

use bare::access::{read32, read8, write16, write32, write64, write8};
use hart_tests::*;
use sv39_arch::memmap::{PLIC_BASE, VIRTIO_BASE, VIRTIO_IRQ};

const QSIZE: u64 = 8;
const NEXT: u16 = 1;
const WRITE: u16 = 2;
const INDIRECT: u16 = 4;
const T_IN: u32 = 0;
const T_OUT: u32 = 1;
const T_FLUSH: u32 = 4;
const T_GET_ID: u32 = 8;
const F_RO: u32 = 1 << 5;
const F_BLK_SIZE: u32 = 1 << 6;
const F_FLUSH: u32 = 1 << 9;
const F_INDIRECT_DESC: u32 = 1 << 28;
const F_VERSION_1_HIGH: u32 = 1 << 0;
const S_ACKNOWLEDGE: u32 = 1;
const S_DRIVER: u32 = 2;
const S_DRIVER_OK: u32 = 4;
const S_FEATURES_OK: u32 = 8;

/// The queue's memory: descriptors, available ring, and (4.2.4, legacy) the
/// used ring at the next 4096-byte boundary.
#[repr(C, align(4096))]
struct Rings([u8; 8192]);
static mut RINGS: Rings = Rings([0; 8192]);
#[repr(C, align(4096))]
struct Buffers([u8; 4096]);
static mut BUFFERS: Buffers = Buffers([0; 4096]);

fn reg(offset: u64) -> u64 {
    VIRTIO_BASE + offset
}

struct Driver {
    desc: u64,
    avail: u64,
    used: u64,
    /// Header at +0, status at +16, an indirect table at +64, data at +1024.
    buf: u64,
    avail_idx: u16,
}

impl Driver {
    fn data(&self) -> u64 {
        self.buf + 1024
    }

    fn set_desc(&self, table: u64, i: u64, addr: u64, len: u32, flags: u16, next: u16) {
        let at = table + 16 * i;
        write64(at, addr);
        write32(at + 8, len);
        write16(at + 12, flags);
        write16(at + 14, next);
    }

    /// Posts `kind` at `sector` over `len` data bytes; waits for it in WFI.
    /// Returns (status, used length, PLIC claim).
    fn request(&mut self, kind: u32, sector: u64, len: u32, indirect: bool) -> (u8, u32, u32) {
        write32(self.buf, kind);
        write32(self.buf + 4, 0);
        write64(self.buf + 8, sector);
        write8(self.buf + 16, 0xff);
        let data_flags = if kind == T_OUT { NEXT } else { NEXT | WRITE };
        let table = if indirect { self.buf + 64 } else { self.desc };
        // No data descriptor without data: QEMU refuses zero-sized buffers.
        let n = if len == 0 { 2 } else { 3 };
        self.set_desc(table, 0, self.buf, 16, NEXT, 1);
        if len != 0 {
            self.set_desc(table, 1, self.data(), len, data_flags, 2);
        }
        self.set_desc(table, n - 1, self.buf + 16, 1, WRITE, 0);
        if indirect {
            self.set_desc(self.desc, 3, table, 16 * n as u32, INDIRECT, 0);
        }
        let head = if indirect { 3 } else { 0 };
        write16(self.avail + 4 + 2 * (u64::from(self.avail_idx) % QSIZE), head);
        self.avail_idx = self.avail_idx.wrapping_add(1);
        fence();
        write16(self.avail + 2, self.avail_idx);
        fence();
        write32(reg(0x050), 0);
        // WFI wakes for MEIP enabled in mie, whatever mstatus.MIE says (3.3.3).
        while read16(self.used + 2) != self.avail_idx {
            // SAFETY: WFI only waits.
            unsafe { core::arch::asm!("wfi") };
        }
        fence();
        let claim = read32(PLIC_BASE + 0x20_0004);
        let isr = read32(reg(0x060));
        write32(reg(0x064), isr);
        write32(PLIC_BASE + 0x20_0004, claim);
        let slot = (u64::from(self.avail_idx) - 1) % QSIZE;
        let used_len = read32(self.used + 4 + 8 * slot + 4);
        (read8(self.buf + 16), used_len, claim)
    }
}

fn read16(pa: u64) -> u16 {
    // SAFETY: RAM the program owns, from M-mode.
    unsafe { (pa as *const u16).read_volatile() }
}

fn fence() {
    // SAFETY: a fence only orders memory accesses.
    unsafe { core::arch::asm!("fence rw, rw") };
}

fn pattern(sector: u64, i: u64) -> u8 {
    (sector as u8) ^ (i as u8)
}

fn body() -> Checks {
    setup();
    // 1..: the slot holds a block device.
    check_eq!(1, read32(reg(0x000)), 0x7472_6976);
    let version = read32(reg(0x004));
    check!(2, version == 1 || version == 2, "version {version}");
    check_eq!(3, read32(reg(0x008)), 2);
    let legacy = version == 1;

    // 10..: reset, negotiate (3.1.1), set up queue 0.
    write32(reg(0x070), 0);
    check_eq!(10, read32(reg(0x070)), 0);
    write32(reg(0x070), S_ACKNOWLEDGE | S_DRIVER);
    write32(reg(0x014), 0);
    let offered = read32(reg(0x010));
    check!(11, offered & F_FLUSH != 0 && offered & F_BLK_SIZE != 0, "features {offered:#x}");
    let readonly = offered & F_RO != 0;
    write32(reg(0x024), 0);
    write32(reg(0x020), offered & (F_FLUSH | F_BLK_SIZE | F_RO | F_INDIRECT_DESC));
    if !legacy {
        write32(reg(0x014), 1);
        check_eq!(12, read32(reg(0x010)) & F_VERSION_1_HIGH, F_VERSION_1_HIGH);
        write32(reg(0x024), 1);
        write32(reg(0x020), F_VERSION_1_HIGH);
        write32(reg(0x070), S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
        check_eq!(13, read32(reg(0x070)) & S_FEATURES_OK, S_FEATURES_OK);
    }
    write32(reg(0x030), 0);
    check!(14, u64::from(read32(reg(0x034))) >= QSIZE, "QueueNumMax");
    write32(reg(0x038), QSIZE as u32);
    let rings = core::ptr::addr_of_mut!(RINGS) as u64;
    let desc = rings;
    let avail = desc + 16 * QSIZE;
    let used = if legacy { rings + 4096 } else { rings + 2048 };
    if legacy {
        write32(reg(0x028), 4096);
        write32(reg(0x03c), 4096);
        write32(reg(0x040), (rings >> 12) as u32);
    } else {
        for (r, a) in [(0x080, desc), (0x090, avail), (0x0a0, used)] {
            write32(reg(r), a as u32);
            write32(reg(r + 4), (a >> 32) as u32);
        }
        write32(reg(0x044), 1);
    }
    write32(reg(0x070), read32(reg(0x070)) | S_DRIVER_OK);
    // 5.2.4: capacity in 512-byte sectors, then blk_size.
    check_eq!(15, read32(reg(0x100)), 64);
    check_eq!(16, read32(reg(0x114)), 512);

    // PLIC source 1 to context 0 (hart 0, M), and MEIE to wake WFI.
    let irq = VIRTIO_IRQ;
    write32(PLIC_BASE + 4 * u64::from(irq), 1);
    write32(PLIC_BASE + 0x2000, 1 << irq);
    write32(PLIC_BASE + 0x20_0000, 0);
    csrw!("mie", mip::MEIP);

    let mut d = Driver { desc, avail, used, buf: core::ptr::addr_of_mut!(BUFFERS) as u64, avail_idx: 0 };
    // 20..: read sectors 3 and 4.
    let (status, len, claim) = d.request(T_IN, 3, 1024, false);
    check_eq!(20, status, 0);
    check_eq!(21, len, 1025);
    check_eq!(22, claim, irq);
    for i in 0..1024 {
        check_eq!(23, read8(d.data() + i), pattern(3 + i / 512, i));
    }
    // 30..: write sector 10, then flush.
    for i in 0..512 {
        write8(d.data() + i, 0xab);
    }
    let (status, _, claim) = d.request(T_OUT, 10, 512, false);
    check_eq!(30, status, if readonly { 1 } else { 0 });
    check_eq!(31, claim, irq);
    let (status, _, _) = d.request(T_FLUSH, 0, 0, false);
    check_eq!(32, status, 0);
    let (status, _, _) = d.request(T_IN, 10, 512, false);
    check_eq!(33, status, 0);
    let want = if readonly { pattern(10, 7) } else { 0xab };
    check_eq!(34, read8(d.data() + 7), want);

    // 40..: an indirect table (2.6.5.3) reading sector 5.
    let (status, len, _) = d.request(T_IN, 5, 512, true);
    check_eq!(40, status, 0);
    check_eq!(41, len, 513);
    check_eq!(42, read8(d.data() + 300), pattern(5, 300));

    // 50..: GET_ID succeeds; a read past the last sector fails with IOERR.
    let (status, _, _) = d.request(T_GET_ID, 0, 20, false);
    check_eq!(50, status, 0);
    let (status, _, _) = d.request(T_IN, 63, 1024, false);
    check_eq!(51, status, 1);
    check_eq!(52, read32(reg(0x070)) & 64, 0);
    csrw!("mie", 0);
    bare::println!("virtio-blk: version {version}, {} requests, read-only {readonly}", d.avail_idx);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
