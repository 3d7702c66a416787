//! A split virtqueue, driver side (virtio 1.1, 2.6), in one page frame:
//! the descriptor table, the available ring after it, and the used ring at
//! the next `USED_ALIGN` boundary (which a legacy transport is told through
//! QueueAlign). Free descriptors are chained through their `next` fields.

use crate::memlayout::phys_to_virt;
use crate::mm::frame::{Frame, OutOfMemory};
use core::sync::atomic::{fence, Ordering};
use sv39_arch::PhysAddr;

const VIRTQ_DESC_F_NEXT: u16 = 1;
const VIRTQ_DESC_F_WRITE: u16 = 2;
/// The used ring's alignment. 2.6 asks for 4, but a legacy device places
/// the used ring at QueueAlign past the available ring, and QEMU 7.2 counts
/// that ring without its trailing `used_event` (2 bytes short of 2.6.2's
/// layout): from 8 on, both place it at the same address.
pub const USED_ALIGN: u64 = 8;
/// The largest queue whose three parts fit one page.
pub const MAX_SIZE: u16 = 128;

/// A buffer handed to the device: guest-physical, and whether the device writes it.
#[derive(Clone, Copy, Debug)]
pub struct Buffer {
    pub pa: u64,
    pub len: u32,
    pub device_writes: bool,
}

pub struct Virtqueue {
    frame: Frame,
    size: u16,
    free_head: u16,
    free_count: u16,
    avail_idx: u16,
    last_used: u16,
}

impl Virtqueue {
    /// An empty queue of `size` (a power of two, at most MAX_SIZE) entries.
    pub fn new(size: u16) -> Result<Virtqueue, OutOfMemory> {
        let size = size.min(MAX_SIZE);
        let mut q =
            Virtqueue { frame: Frame::alloc()?, size, free_head: 0, free_count: size, avail_idx: 0, last_used: 0 };
        q.frame.bytes_mut().fill(0);
        for i in 0..size {
            q.set_next(i, (i + 1) % size);
        }
        Ok(q)
    }

    /// Descriptors not in flight.
    pub fn free(&self) -> u16 {
        self.free_count
    }

    /// The head the next `add` will return.
    pub fn peek_head(&self) -> u16 {
        self.free_head
    }

    pub fn desc_pa(&self) -> u64 {
        self.frame.pa().as_u64()
    }

    pub fn avail_pa(&self) -> u64 {
        self.desc_pa() + 16 * u64::from(self.size)
    }

    pub fn used_pa(&self) -> u64 {
        (self.avail_pa() + 6 + 2 * u64::from(self.size)).next_multiple_of(USED_ALIGN)
    }

    fn ptr<T>(&self, pa: u64) -> *mut T {
        phys_to_virt(PhysAddr(pa)).as_u64() as *mut T
    }

    fn write<T>(&self, pa: u64, v: T) {
        // SAFETY: `pa` lies in the queue's own frame, in the direct map; the
        // device reads it, so the access is volatile.
        unsafe { self.ptr::<T>(pa).write_volatile(v) }
    }

    fn read<T>(&self, pa: u64) -> T {
        // SAFETY: as in `write`.
        unsafe { self.ptr::<T>(pa).read_volatile() }
    }

    fn desc(&self, i: u16) -> u64 {
        self.desc_pa() + 16 * u64::from(i)
    }

    fn set_next(&mut self, i: u16, next: u16) {
        self.write(self.desc(i) + 14, next);
    }

    fn next(&self, i: u16) -> u16 {
        self.read(self.desc(i) + 14)
    }

    /// Makes `bufs` available as one chain and returns its head; None when
    /// the queue has too few free descriptors (the caller waits).
    pub fn add(&mut self, bufs: &[Buffer]) -> Option<u16> {
        if bufs.is_empty() || bufs.len() > usize::from(self.free_count) {
            return None;
        }
        let head = self.free_head;
        let mut i = head;
        for (k, b) in bufs.iter().enumerate() {
            let last = k + 1 == bufs.len();
            let next = self.next(i);
            let d = self.desc(i);
            self.write(d, b.pa);
            self.write(d + 8, b.len);
            let flags = if b.device_writes { VIRTQ_DESC_F_WRITE } else { 0 } | if last { 0 } else { VIRTQ_DESC_F_NEXT };
            self.write(d + 12, flags);
            if last {
                self.free_head = next;
            } else {
                i = next;
            }
        }
        self.free_count -= bufs.len() as u16;
        let slot = self.avail_pa() + 4 + 2 * u64::from(self.avail_idx % self.size);
        self.write(slot, head);
        // 2.6.13: the ring entry and descriptors before the index that publishes them.
        fence(Ordering::SeqCst);
        self.avail_idx = self.avail_idx.wrapping_add(1);
        self.write(self.avail_pa() + 2, self.avail_idx);
        fence(Ordering::SeqCst);
        Some(head)
    }

    /// The next chain the device has used: its head and the bytes written.
    pub fn pop_used(&mut self) -> Option<(u16, u32)> {
        let used_idx: u16 = self.read(self.used_pa() + 2);
        if used_idx == self.last_used {
            return None;
        }
        // The element is read after the index that published it.
        fence(Ordering::SeqCst);
        let elem = self.used_pa() + 4 + 8 * u64::from(self.last_used % self.size);
        let head = self.read::<u32>(elem) as u16;
        let len = self.read::<u32>(elem + 4);
        self.last_used = self.last_used.wrapping_add(1);
        Some((head, len))
    }

    /// The address of the first buffer of the chain at `head`.
    pub fn buffer_pa(&self, head: u16) -> Option<u64> {
        (head < self.size).then(|| self.read(self.desc(head)))
    }

    /// Returns a used chain's descriptors to the free list. The driver calls
    /// it once it has read the request's result: until then the head names
    /// the request and must not be reused.
    pub fn free_chain(&mut self, head: u16) {
        let mut i = head;
        let mut n = 1;
        while self.read::<u16>(self.desc(i) + 12) & VIRTQ_DESC_F_NEXT != 0 && n < self.size {
            i = self.next(i);
            n += 1;
        }
        self.set_next(i, self.free_head);
        self.free_head = head;
        self.free_count += n;
    }
}
