//! virtio-blk (virtio 1.1, 5.2), driver side: one request queue, requests
//! of a header, the data and a status byte (5.2.6), completed by interrupt.
//!
//! A process that waits for a request sleeps (uninterruptibly, as Linux's D
//! state) and others run; before the first process exists, the kernel polls
//! the used ring instead. Either way the interrupt handler and the waiter
//! meet in `done`, per descriptor head, which stays reserved until the
//! waiter has read its status.

use super::queue::{Buffer, Virtqueue, MAX_SIZE};
use super::{SetupError, Transport};
use crate::mm::frame::Frame;
use crate::{cpu, drivers};
use crate::proc::scheduler::{self, Channel};
use crate::sync::Global;
use crate::timer;
use alloc::vec::Vec;
use sv39_abi::Errno;

const VIRTIO_BLK_F_RO: u64 = 1 << 5;
const VIRTIO_BLK_F_FLUSH: u64 = 1 << 9;

const VIRTIO_BLK_T_IN: u32 = 0;
const VIRTIO_BLK_T_OUT: u32 = 1;
const VIRTIO_BLK_T_FLUSH: u32 = 4;

const VIRTIO_BLK_S_OK: u8 = 0;
const VIRTIO_BLK_S_IOERR: u8 = 1;

pub const SECTOR_SIZE: u64 = 512;
/// Bytes of the request frame per descriptor head: the 16-byte header, then the status byte.
const SLOT: u64 = 32;
/// A status byte the device never writes: the request is still in flight.
const PENDING: u8 = 0xff;

/// What a request asks of the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
    Flush,
}

struct Disk {
    transport: Transport,
    queue: Virtqueue,
    /// The capacity in sectors (5.2.4).
    capacity: u64,
    readonly: bool,
    flush: bool,
    /// The request headers and status bytes, SLOT bytes per descriptor head.
    requests: Frame,
    /// Per head: Some(status) once the device has used the chain.
    done: [Option<u8>; MAX_SIZE as usize],
    /// Per head in flight: (sectors, when it was submitted in ns).
    inflight: [(u32, u64); MAX_SIZE as usize],
    stats: Stats,
}

/// What a disk has done since boot, as /proc/diskstats counts it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub reads: u64,
    pub sectors_read: u64,
    pub read_ns: u64,
    pub writes: u64,
    pub sectors_written: u64,
    pub write_ns: u64,
    pub flushes: u64,
    pub flush_ns: u64,
    pub in_flight: u64,
}

static DISKS: Global<Vec<Disk>> = Global::new(Vec::new());

/// Brings up the block device behind `transport`; its index (vda is 0).
pub fn attach(transport: Transport) -> Result<usize, SetupError> {
    let agreed = transport.negotiate(VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH)?;
    let queue = transport.setup_queue(0, MAX_SIZE)?;
    let requests = Frame::alloc().map_err(|_| SetupError::NoMemory)?;
    transport.driver_ok();
    let capacity = transport.config_u64(0);
    let disk = Disk {
        transport,
        queue,
        capacity,
        readonly: agreed & VIRTIO_BLK_F_RO != 0,
        flush: agreed & VIRTIO_BLK_F_FLUSH != 0,
        requests,
        done: [None; MAX_SIZE as usize],
        inflight: [(0, 0); MAX_SIZE as usize],
        stats: Stats::default(),
    };
    let mut disks = DISKS.borrow_mut();
    disks.push(disk);
    Ok(disks.len() - 1)
}

pub fn count() -> usize {
    DISKS.borrow().len()
}

/// (capacity in bytes, read-only) of disk `n`.
pub fn geometry(n: usize) -> Option<(u64, bool)> {
    DISKS.borrow().get(n).map(|d| (d.capacity * SECTOR_SIZE, d.readonly))
}

/// The figures of disk `n`.
pub fn stats(n: usize) -> Option<Stats> {
    DISKS.borrow().get(n).map(|d| d.stats)
}

/// Moves `len` bytes between sector `sector` of disk `n` and physical
/// memory at `pa` (contiguous, in RAM), or flushes the disk's write cache.
/// The process waits asleep; others run.
pub fn transfer(n: usize, op: Op, sector: u64, pa: u64, len: u32) -> Result<(), Errno> {
    transfer_with(n, op, sector, pa, len, wait_once)
}

/// `transfer` that waits on the hart, polling the used ring, with no
/// process switch (swap I/O inside a page fault).
pub fn transfer_polled(n: usize, op: Op, sector: u64, pa: u64, len: u32) -> Result<(), Errno> {
    transfer_with(n, op, sector, pa, len, poll_once)
}

fn transfer_with(n: usize, op: Op, sector: u64, pa: u64, len: u32, wait: fn(usize)) -> Result<(), Errno> {
    // Without VIRTIO_BLK_F_FLUSH the device writes through (5.2.6.2).
    if op == Op::Flush && !DISKS.borrow().get(n).ok_or(Errno::ENXIO)?.flush {
        return Ok(());
    }
    let head = loop {
        match submit(n, op, sector, pa, len)? {
            Some(head) => break head,
            // Every descriptor is in flight: wait for one to come back.
            None => wait(n),
        }
    };
    loop {
        if let Some(status) = take_done(n, head) {
            return match status {
                VIRTIO_BLK_S_OK => Ok(()),
                VIRTIO_BLK_S_IOERR => Err(Errno::EIO),
                _ => Err(Errno::EOPNOTSUPP),
            };
        }
        wait(n);
    }
}

/// Checks the request and puts it on the queue; None when the queue is full.
fn submit(n: usize, op: Op, sector: u64, pa: u64, len: u32) -> Result<Option<u16>, Errno> {
    let mut disks = DISKS.borrow_mut();
    let d = disks.get_mut(n).ok_or(Errno::ENXIO)?;
    let sectors = u64::from(len).div_ceil(SECTOR_SIZE);
    match op {
        Op::Write if d.readonly => return Err(Errno::EROFS),
        Op::Read | Op::Write if u64::from(len) % SECTOR_SIZE != 0 || len == 0 => return Err(Errno::EINVAL),
        Op::Read | Op::Write if sector.checked_add(sectors).is_none_or(|end| end > d.capacity) => {
            return Err(Errno::ENOSPC)
        }
        _ => {}
    }
    let free = d.queue.free();
    let needed = if op == Op::Flush { 2 } else { 3 };
    if free < needed {
        return Ok(None);
    }
    let head = d.queue.peek_head();
    let slot = d.requests.pa().as_u64() + SLOT * u64::from(head);
    let bytes = &mut d.requests.bytes_mut()[(SLOT * u64::from(head)) as usize..][..SLOT as usize];
    let kind = match op {
        Op::Read => VIRTIO_BLK_T_IN,
        Op::Write => VIRTIO_BLK_T_OUT,
        Op::Flush => VIRTIO_BLK_T_FLUSH,
    };
    bytes[0..4].copy_from_slice(&kind.to_le_bytes());
    bytes[4..8].fill(0);
    bytes[8..16].copy_from_slice(&sector.to_le_bytes());
    bytes[16] = PENDING;
    let header = Buffer { pa: slot, len: 16, device_writes: false };
    let status = Buffer { pa: slot + 16, len: 1, device_writes: true };
    let data = Buffer { pa, len, device_writes: op == Op::Read };
    let chain: &[Buffer] = if op == Op::Flush { &[header, status] } else { &[header, data, status] };
    let added = d.queue.add(chain);
    debug_assert_eq!(added, Some(head));
    d.done[usize::from(head)] = None;
    d.inflight[usize::from(head)] = (sectors as u32, timer::now_ns());
    d.stats.in_flight += 1;
    d.transport.notify(0);
    Ok(added)
}

/// The status of the request at `head`, once the device has used it.
fn take_done(n: usize, head: u16) -> Option<u8> {
    let mut disks = DISKS.borrow_mut();
    let d = disks.get_mut(n)?;
    let status = d.done[usize::from(head)].take()?;
    d.queue.free_chain(head);
    Some(status)
}

/// Waits for the device to use at least one more chain.
fn wait_once(n: usize) {
    if scheduler::has_current() {
        scheduler::sleep(Channel::Disk(n));
    } else {
        // At boot, before interrupts are set up.
        core::hint::spin_loop();
        reap(n);
    }
}

/// Waits on the hart for the next interrupt (wfi wakes on an enabled
/// pending interrupt even with sstatus.SIE clear, privileged spec 3.3.3)
/// and serves the devices' interrupts, the disk's among them. Only for a
/// process's faults, when the disk interrupt is enabled.
fn poll_once(n: usize) {
    cpu::wait_for_interrupt();
    drivers::serve_external();
    reap(n);
}

/// Records the chains the device has used on disk `n` and wakes their waiters.
fn reap(n: usize) {
    if reap_used(n) {
        scheduler::wakeup(Channel::Disk(n));
    }
}

/// Records the chains the device has used; whether there were any.
fn reap_used(n: usize) -> bool {
    let mut disks = DISKS.borrow_mut();
    let Some(d) = disks.get_mut(n) else { return false };
    let mut any = false;
    while let Some((head, _len)) = d.queue.pop_used() {
        let at = (SLOT * u64::from(head)) as usize;
        let kind = u32::from_le_bytes(d.requests.bytes()[at..at + 4].try_into().unwrap_or([0; 4]));
        d.stats.record(kind, d.inflight[usize::from(head)]);
        d.done[usize::from(head)] = Some(d.requests.bytes()[at + 16]);
        any = true;
    }
    any
}

impl Stats {
    /// Counts a completed request of `kind`, submitted as (sectors, ns).
    fn record(&mut self, kind: u32, (sectors, since): (u32, u64)) {
        let took = timer::now_ns().saturating_sub(since);
        let sectors = u64::from(sectors);
        self.in_flight = self.in_flight.saturating_sub(1);
        match kind {
            VIRTIO_BLK_T_IN => {
                (self.reads, self.sectors_read, self.read_ns) =
                    (self.reads + 1, self.sectors_read + sectors, self.read_ns + took)
            }
            VIRTIO_BLK_T_OUT => {
                (self.writes, self.sectors_written, self.write_ns) =
                    (self.writes + 1, self.sectors_written + sectors, self.write_ns + took)
            }
            _ => (self.flushes, self.flush_ns) = (self.flushes + 1, self.flush_ns + took),
        }
    }
}

/// The interrupt of PLIC source `irq`: whether it was a disk's.
pub fn interrupt(irq: u32) -> bool {
    let Some(n) = DISKS.borrow().iter().position(|d| d.transport.irq == irq) else { return false };
    if let Some(d) = DISKS.borrow().get(n) {
        d.transport.ack_interrupt();
    }
    reap(n);
    true
}
