//! A split virtqueue as the device sees it (virtio 1.1, 2.6): the driver's
//! descriptor table and available ring, read from guest RAM; the device's
//! used ring, written back; notification suppression by flags or, with
//! VIRTIO_F_EVENT_IDX, by event indices (2.6.7, 2.6.8).
//!
//! The driver is untrusted: an index or address out of range, a chain
//! longer than the queue (a loop) or a malformed indirect table is a
//! `QueueError`, which the transport turns into DEVICE_NEEDS_RESET.

use crate::bus::dma::Dma;

const DESC_SIZE: u64 = 16;
const VIRTQ_DESC_F_NEXT: u16 = 1;
const VIRTQ_DESC_F_WRITE: u16 = 2;
const VIRTQ_DESC_F_INDIRECT: u16 = 4;
const VIRTQ_AVAIL_F_NO_INTERRUPT: u16 = 1;

/// The driver broke the queue's rules; the device needs a reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueError {
    /// The rings or a buffer lie outside RAM.
    BadAddress(u64),
    /// The available index ran more than a queue ahead of the device.
    BadAvailIndex(u16),
    /// A descriptor index beyond the table.
    BadIndex(u16),
    /// A chain with more descriptors than its table: a loop.
    Loop,
    /// An indirect table of a bad length, nested, or flagged NEXT as well.
    BadIndirect,
    /// A request without the parts its device requires (a header, a status byte).
    BadRequest,
    /// A descriptor of length 0, which QEMU refuses ("zero sized buffers are
    /// not allowed"); the spec does not define one, so we refuse it too.
    ZeroLength,
}

/// One buffer of a chain: guest-physical, and whether the device writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub addr: u64,
    pub len: u32,
    pub write: bool,
}

/// A descriptor chain taken from the available ring.
#[derive(Debug, Default)]
pub struct Chain {
    /// The head's index, returned in the used ring.
    pub head: u16,
    pub segments: Vec<Segment>,
}

impl Chain {
    /// Bytes in the segments the device reads, and in those it writes.
    pub fn lengths(&self) -> (u64, u64) {
        self.segments.iter().fold((0, 0), |(r, w), s| {
            if s.write { (r, w + u64::from(s.len)) } else { (r + u64::from(s.len), w) }
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct Desc {
    addr: u64,
    len: u32,
    flags: u16,
    next: u16,
}

#[derive(Clone, Debug, Default)]
pub struct Queue {
    /// Entries, as the driver set them (QueueNum).
    pub size: u16,
    /// QueueReady (modern), or a non-zero QueuePFN (legacy).
    pub ready: bool,
    pub desc: u64,
    /// The available ring ("driver area").
    pub avail: u64,
    /// The used ring ("device area").
    pub used: u64,
    last_avail: u16,
    used_idx: u16,
    /// The used index at the last interrupt, for VIRTIO_F_EVENT_IDX.
    signalled: u16,
}

impl Queue {
    /// Whether the driver has made buffers available that the device has not taken.
    pub fn has_work(&self, mem: &Dma) -> bool {
        self.ready && mem.read_u16(self.avail + 2).is_some_and(|idx| idx != self.last_avail)
    }

    /// Takes the next available chain into `chain`; Ok(false) when there is none.
    pub fn pop(&mut self, mem: &mut Dma, event_idx: bool, chain: &mut Chain) -> Result<bool, QueueError> {
        if !self.ready || self.size == 0 {
            return Ok(false);
        }
        let avail_idx = self.read_u16(mem, self.avail + 2)?;
        if avail_idx == self.last_avail {
            return Ok(false);
        }
        if avail_idx.wrapping_sub(self.last_avail) > self.size {
            return Err(QueueError::BadAvailIndex(avail_idx));
        }
        let slot = u64::from(self.last_avail % self.size);
        let head = self.read_u16(mem, self.avail + 4 + 2 * slot)?;
        chain.head = head;
        chain.segments.clear();
        self.walk(mem, head, chain)?;
        self.last_avail = self.last_avail.wrapping_add(1);
        if event_idx {
            // avail_event: notify again once the driver passes what we took (2.6.7.2).
            let at = self.used + 4 + 8 * u64::from(self.size);
            mem.write_u16(at, self.last_avail).ok_or(QueueError::BadAddress(at))?;
        }
        Ok(true)
    }

    /// Follows the chain from `head`, expanding an indirect table (2.6.5.3).
    fn walk(&self, mem: &Dma, head: u16, chain: &mut Chain) -> Result<(), QueueError> {
        let mut i = head;
        for _ in 0..self.size {
            let d = self.desc(mem, self.desc, self.size, i)?;
            if d.flags & VIRTQ_DESC_F_INDIRECT != 0 {
                // 2.6.5.3.1: an indirect descriptor has no NEXT flag.
                if d.flags & VIRTQ_DESC_F_NEXT != 0 {
                    return Err(QueueError::BadIndirect);
                }
                return self.walk_indirect(mem, d, chain);
            }
            push(mem, chain, d)?;
            if d.flags & VIRTQ_DESC_F_NEXT == 0 {
                return Ok(());
            }
            i = d.next;
        }
        Err(QueueError::Loop)
    }

    fn walk_indirect(&self, mem: &Dma, table: Desc, chain: &mut Chain) -> Result<(), QueueError> {
        let entries = u64::from(table.len) / DESC_SIZE;
        if table.len == 0 || u64::from(table.len) % DESC_SIZE != 0 || entries > u64::from(u16::MAX) {
            return Err(QueueError::BadIndirect);
        }
        let mut i = 0;
        for _ in 0..entries {
            let d = self.desc(mem, table.addr, entries as u16, i)?;
            // 2.6.5.3.1: no indirect descriptor inside an indirect table.
            if d.flags & VIRTQ_DESC_F_INDIRECT != 0 {
                return Err(QueueError::BadIndirect);
            }
            push(mem, chain, d)?;
            if d.flags & VIRTQ_DESC_F_NEXT == 0 {
                return Ok(());
            }
            i = d.next;
        }
        Err(QueueError::Loop)
    }

    fn desc(&self, mem: &Dma, table: u64, entries: u16, i: u16) -> Result<Desc, QueueError> {
        if i >= entries {
            return Err(QueueError::BadIndex(i));
        }
        let at = table + DESC_SIZE * u64::from(i);
        let bad = QueueError::BadAddress(at);
        Ok(Desc {
            addr: mem.read_u64(at).ok_or(bad)?,
            len: mem.read_u32(at + 8).ok_or(bad)?,
            flags: mem.read_u16(at + 12).ok_or(bad)?,
            next: mem.read_u16(at + 14).ok_or(bad)?,
        })
    }

    fn read_u16(&self, mem: &Dma, at: u64) -> Result<u16, QueueError> {
        mem.read_u16(at).ok_or(QueueError::BadAddress(at))
    }

    /// Returns chain `head` to the driver with `len` bytes written into it.
    pub fn push_used(&mut self, mem: &mut Dma, head: u16, len: u32) -> Result<(), QueueError> {
        let at = self.used + 4 + 8 * u64::from(self.used_idx % self.size);
        mem.write_u32(at, u32::from(head)).ok_or(QueueError::BadAddress(at))?;
        mem.write_u32(at + 4, len).ok_or(QueueError::BadAddress(at))?;
        self.used_idx = self.used_idx.wrapping_add(1);
        // The element is in place before the index that publishes it (2.6.8.2);
        // the guest does not run while the device writes, so no fence is needed.
        mem.write_u16(self.used + 2, self.used_idx).ok_or(QueueError::BadAddress(self.used + 2))
    }

    /// Whether the driver wants an interrupt for what was used since the last
    /// one: the NO_INTERRUPT flag, or with event indices `used_event` (2.6.7.2).
    pub fn wants_interrupt(&mut self, mem: &Dma, event_idx: bool) -> bool {
        let (old, new) = (self.signalled, self.used_idx);
        if old == new {
            return false;
        }
        let wanted = if event_idx {
            let used_event = mem.read_u16(self.avail + 4 + 2 * u64::from(self.size)).unwrap_or(new.wrapping_sub(1));
            // vring_need_event: the driver asked for an interrupt at used_event.
            new.wrapping_sub(used_event).wrapping_sub(1) < new.wrapping_sub(old)
        } else {
            mem.read_u16(self.avail).is_none_or(|flags| flags & VIRTQ_AVAIL_F_NO_INTERRUPT == 0)
        };
        if wanted {
            self.signalled = new;
        }
        wanted
    }
}

fn push(mem: &Dma, chain: &mut Chain, d: Desc) -> Result<(), QueueError> {
    if d.len == 0 {
        return Err(QueueError::ZeroLength);
    }
    if !mem.contains(d.addr, u64::from(d.len)) {
        return Err(QueueError::BadAddress(d.addr));
    }
    chain.segments.push(Segment { addr: d.addr, len: d.len, write: d.flags & VIRTQ_DESC_F_WRITE != 0 });
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bus::code_pages::CodePages;
    use crate::bus::ram::Ram;

    pub const BASE: u64 = 0x8000_0000;
    pub const DESC: u64 = BASE;
    pub const AVAIL: u64 = BASE + 0x1000;
    pub const USED: u64 = BASE + 0x2000;

    /// A driver's side of a queue of `size` entries in a fresh 64 KiB of RAM.
    pub struct Driver {
        pub ram: Ram,
        pub code: CodePages,
        pub queue: Queue,
        avail_idx: u16,
    }

    impl Driver {
        pub fn new(size: u16) -> Driver {
            let queue = Queue { size, ready: true, desc: DESC, avail: AVAIL, used: USED, ..Queue::default() };
            Driver { ram: Ram::new(BASE, 0x10000).unwrap(), code: CodePages::new(0x10000), queue, avail_idx: 0 }
        }

        pub fn dma(&mut self) -> Dma<'_> {
            Dma::new(&mut self.ram, &mut self.code)
        }

        pub fn set_desc(&mut self, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
            self.set_desc_at(DESC, i, addr, len, flags, next);
        }

        pub fn set_desc_at(&mut self, table: u64, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
            let at = table + 16 * u64::from(i);
            self.ram.write(at, 8, addr);
            self.ram.write(at + 8, 4, u64::from(len));
            self.ram.write(at + 12, 2, u64::from(flags));
            self.ram.write(at + 14, 2, u64::from(next));
        }

        pub fn make_available(&mut self, head: u16) {
            let slot = u64::from(self.avail_idx % self.queue.size);
            self.ram.write(AVAIL + 4 + 2 * slot, 2, u64::from(head));
            self.avail_idx = self.avail_idx.wrapping_add(1);
            self.ram.write(AVAIL + 2, 2, u64::from(self.avail_idx));
        }

        pub fn pop(&mut self, event_idx: bool) -> Result<Option<Chain>, QueueError> {
            let mut chain = Chain::default();
            let mut q = std::mem::take(&mut self.queue);
            let r = q.pop(&mut self.dma(), event_idx, &mut chain);
            self.queue = q;
            r.map(|got| got.then_some(chain))
        }
    }

    const NEXT: u16 = VIRTQ_DESC_F_NEXT;
    const WRITE: u16 = VIRTQ_DESC_F_WRITE;

    #[test]
    fn takes_a_chain_and_returns_it() {
        let mut d = Driver::new(8);
        d.set_desc(3, BASE + 0x3000, 16, NEXT, 5);
        d.set_desc(5, BASE + 0x4000, 512, NEXT | WRITE, 6);
        d.set_desc(6, BASE + 0x5000, 1, WRITE, 0);
        d.make_available(3);
        let chain = d.pop(false).unwrap().unwrap();
        assert_eq!(chain.head, 3);
        assert_eq!(chain.lengths(), (16, 513));
        assert_eq!(chain.segments[1], Segment { addr: BASE + 0x4000, len: 512, write: true });
        assert_eq!(d.pop(false).unwrap().map(|c| c.head), None, "nothing more available");
        let mut q = std::mem::take(&mut d.queue);
        q.push_used(&mut d.dma(), 3, 513).unwrap();
        assert_eq!(d.ram.read(USED + 2, 2), Some(1), "used idx");
        assert_eq!(d.ram.read(USED + 4, 4), Some(3), "used id");
        assert_eq!(d.ram.read(USED + 8, 4), Some(513), "used len");
        assert!(q.wants_interrupt(&d.dma(), false));
        assert!(!q.wants_interrupt(&d.dma(), false), "nothing new used since");
    }

    #[test]
    fn a_descriptor_loop_is_an_error() {
        let mut d = Driver::new(4);
        d.set_desc(0, BASE + 0x3000, 16, NEXT, 1);
        d.set_desc(1, BASE + 0x3000, 16, NEXT, 0);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::Loop);
    }

    #[test]
    fn hostile_indices_and_addresses_are_errors() {
        let mut d = Driver::new(4);
        d.set_desc(0, BASE + 0x3000, 16, NEXT, 9);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::BadIndex(9));

        let mut d = Driver::new(4);
        d.set_desc(0, 0x1000, 16, 0, 0);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::BadAddress(0x1000), "buffer outside RAM");

        let mut d = Driver::new(4);
        d.set_desc(0, BASE + 0xfff0, 0x20, 0, 0);
        d.make_available(0);
        assert!(matches!(d.pop(false), Err(QueueError::BadAddress(_))), "buffer running off the end of RAM");

        let mut d = Driver::new(4);
        d.set_desc(0, BASE + 0x3000, 0, 0, 0);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::ZeroLength, "as QEMU");

        let mut d = Driver::new(4);
        d.ram.write(AVAIL + 2, 2, 9);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::BadAvailIndex(9));
    }

    #[test]
    fn indirect_tables_are_expanded_and_checked() {
        let table = BASE + 0x6000;
        let mut d = Driver::new(4);
        d.set_desc_at(table, 0, BASE + 0x3000, 16, NEXT, 1);
        d.set_desc_at(table, 1, BASE + 0x4000, 1, WRITE, 0);
        d.set_desc(2, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
        d.make_available(2);
        let chain = d.pop(false).unwrap().unwrap();
        assert_eq!((chain.head, chain.segments.len()), (2, 2));

        d.set_desc_at(table, 1, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
        d.set_desc_at(table, 0, BASE + 0x3000, 16, NEXT, 1);
        d.make_available(2);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::BadIndirect, "nested");

        let mut d = Driver::new(4);
        d.set_desc(0, table, 24, VIRTQ_DESC_F_INDIRECT, 0);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::BadIndirect, "length not a multiple of 16");

        let mut d = Driver::new(4);
        d.set_desc_at(table, 0, BASE + 0x3000, 16, NEXT, 0);
        d.set_desc(0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
        d.make_available(0);
        assert_eq!(d.pop(false).unwrap_err(), QueueError::Loop, "a loop inside the table");
    }

    #[test]
    fn event_index_suppresses_interrupts() {
        let mut d = Driver::new(4);
        for i in 0..3 {
            d.set_desc(i, BASE + 0x3000, 1, WRITE, 0);
            d.make_available(i);
        }
        // used_event = 1: interrupt once the used index passes 1.
        d.ram.write(AVAIL + 4 + 2 * 4, 2, 1);
        let mut q = std::mem::take(&mut d.queue);
        let mut chain = Chain::default();
        assert!(q.pop(&mut d.dma(), true, &mut chain).unwrap());
        assert_eq!(d.ram.read(USED + 4 + 8 * 4, 2), Some(1), "avail_event written");
        q.push_used(&mut d.dma(), 0, 1).unwrap();
        assert!(!q.wants_interrupt(&d.dma(), true), "used idx 1 has not passed used_event 1");
        q.push_used(&mut d.dma(), 1, 1).unwrap();
        assert!(q.wants_interrupt(&d.dma(), true), "used idx 2 passed used_event 1");
        q.push_used(&mut d.dma(), 2, 1).unwrap();
        assert!(!q.wants_interrupt(&d.dma(), true), "used_event not moved on");
    }

    #[test]
    fn no_interrupt_flag_is_honoured() {
        let mut d = Driver::new(4);
        d.ram.write(AVAIL, 2, u64::from(VIRTQ_AVAIL_F_NO_INTERRUPT));
        let mut q = std::mem::take(&mut d.queue);
        q.push_used(&mut d.dma(), 0, 0).unwrap();
        assert!(!q.wants_interrupt(&d.dma(), false));
    }
}
