//! The swap cache, as Linux's: frames that have a copy in a swap slot,
//! found by slot and by frame, so that a page shared by fork is written out
//! once (every PTE that gives it up names the same slot) and a page read
//! back in is shared again by every PTE that names the slot.
//!
//! Counting: a PTE that names a slot holds the slot once; a PTE that maps a
//! frame holds the frame once; a cache entry holds both its slot and its
//! frame once. A cached frame is never mapped writable (its PTEs are
//! copy-on-write), so the slot's copy stays the page's contents. An entry
//! leaves the cache as soon as it alone holds the frame (the frame is
//! freed: the slot has the page) or it alone holds the slot (no PTE names
//! the slot: the slot is freed, the frame stays with its PTEs).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use sv39_arch::Ppn;

/// A page's place in swap: an area (its disk) and a page of it, as Linux's
/// `swp_entry_t` (type, offset). Fits the 44-bit PPN field of a PTE.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SwapSlot(u64);

impl SwapSlot {
    pub const AREA_BITS: u32 = 12;

    pub fn new(area: usize, page: u32) -> SwapSlot {
        debug_assert!(area < 1 << Self::AREA_BITS);
        SwapSlot(((area as u64) << 32) | u64::from(page))
    }

    pub fn area(self) -> usize {
        (self.0 >> 32) as usize
    }

    pub fn page(self) -> u32 {
        self.0 as u32
    }

    /// As stored in a PTE's PPN field.
    pub fn bits(self) -> u64 {
        self.0
    }

    pub fn from_bits(bits: u64) -> SwapSlot {
        SwapSlot(bits & ((1 << (32 + Self::AREA_BITS)) - 1))
    }
}

/// Frames, slots and the disk, as the cache uses them.
pub trait SwapIo {
    /// A frame with one reference (contents undefined).
    fn frame_alloc(&mut self) -> Option<Ppn>;
    fn frame_get(&mut self, ppn: Ppn);
    fn frame_put(&mut self, ppn: Ppn);
    fn frame_count(&self, ppn: Ppn) -> u32;
    /// A free slot, now held once (highest-priority area first).
    fn slot_alloc(&mut self) -> Option<SwapSlot>;
    fn slot_dup(&mut self, slot: SwapSlot);
    /// Drops a hold on `slot`; the holds left.
    fn slot_put(&mut self, slot: SwapSlot) -> u16;
    /// Writes the frame's page to the slot; false on an I/O error.
    fn write_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool;
    /// Reads the slot's page into the frame; false on an I/O error.
    fn read_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool;
}

/// /proc/vmstat's swap lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SwapStats {
    /// Pages read from swap.
    pub pswpin: u64,
    /// Pages written to swap.
    pub pswpout: u64,
}

/// A page brought back from swap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapIn {
    /// Its frame, with a reference for the caller.
    pub ppn: Ppn,
    /// Whether others hold the frame too (map it copy-on-write).
    pub shared: bool,
    /// Whether it was read from disk (a major fault) or found cached.
    pub read: bool,
}

/// Why a page could not come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapInError {
    NoMemory,
    /// The disk failed the read (Linux: SIGBUS).
    Io,
}

/// Entries `shrink` looks at for each frame it is asked to free.
const SHRINK_SCAN: usize = 4;

#[derive(Default)]
pub struct SwapCache {
    by_slot: BTreeMap<SwapSlot, Ppn>,
    by_frame: BTreeMap<Ppn, SwapSlot>,
    /// Where `shrink` goes on from.
    shrink_hand: SwapSlot,
    stats: SwapStats,
}

impl SwapCache {
    pub const fn new() -> SwapCache {
        SwapCache {
            by_slot: BTreeMap::new(),
            by_frame: BTreeMap::new(),
            shrink_hand: SwapSlot(0),
            stats: SwapStats { pswpin: 0, pswpout: 0 },
        }
    }

    pub fn stats(&self) -> SwapStats {
        self.stats
    }

    /// Frames in the cache.
    pub fn len(&self) -> usize {
        self.by_slot.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_slot.is_empty()
    }

    /// A PTE gives up `ppn` for a slot: the one the frame is cached under,
    /// or a new one it is written to. Takes the caller's reference to the
    /// frame and gives it a hold on the slot; None (the caller keeps its
    /// reference) when swap is full or the write failed.
    pub fn swap_out(&mut self, io: &mut impl SwapIo, ppn: Ppn) -> Option<SwapSlot> {
        let slot = match self.by_frame.get(&ppn) {
            Some(&slot) => slot,
            None => {
                let slot = io.slot_alloc()?;
                if !io.write_page(slot, ppn) {
                    io.slot_put(slot);
                    return None;
                }
                self.stats.pswpout += 1;
                io.frame_get(ppn);
                self.insert(slot, ppn);
                slot
            }
        };
        io.slot_dup(slot);
        io.frame_put(ppn);
        if io.frame_count(ppn) == 1 {
            self.uncache(io, slot);
        }
        Some(slot)
    }

    /// A PTE that names `slot` gets its page back: from the cache, or read
    /// into a new frame. Gives up the caller's hold on the slot.
    pub fn swap_in(&mut self, io: &mut impl SwapIo, slot: SwapSlot) -> Result<SwapIn, SwapInError> {
        let (ppn, read) = match self.by_slot.get(&slot) {
            Some(&ppn) => (ppn, false),
            None => {
                let ppn = io.frame_alloc().ok_or(SwapInError::NoMemory)?;
                if !io.read_page(slot, ppn) {
                    io.frame_put(ppn);
                    return Err(SwapInError::Io);
                }
                self.stats.pswpin += 1;
                // The new frame's reference and a new hold are the cache's.
                io.slot_dup(slot);
                self.insert(slot, ppn);
                (ppn, true)
            }
        };
        io.frame_get(ppn);
        let shared = if io.slot_put(slot) == 1 {
            // No other PTE names the slot: the page is the caller's again.
            self.uncache(io, slot);
            io.frame_count(ppn) > 1
        } else {
            true
        };
        Ok(SwapIn { ppn, shared, read })
    }

    /// A page cache puts out a page no PTE maps: a slot of its own, held
    /// once, that the swap cache does not track (nothing shares it). None
    /// when swap is full or the write failed.
    pub fn write_alone(&mut self, io: &mut impl SwapIo, ppn: Ppn) -> Option<SwapSlot> {
        let slot = io.slot_alloc()?;
        if !io.write_page(slot, ppn) {
            io.slot_put(slot);
            return None;
        }
        self.stats.pswpout += 1;
        Some(slot)
    }

    /// Reads a page put out by `write_alone` into `ppn`; its holder frees
    /// the slot after.
    pub fn read_alone(&mut self, io: &mut impl SwapIo, slot: SwapSlot, ppn: Ppn) -> bool {
        let read = io.read_page(slot, ppn);
        if read {
            self.stats.pswpin += 1;
        }
        read
    }

    /// Another PTE names `slot` (fork).
    pub fn dup(&mut self, io: &mut impl SwapIo, slot: SwapSlot) {
        io.slot_dup(slot);
    }

    /// A PTE that named `slot` is gone (unmap, exit).
    pub fn free(&mut self, io: &mut impl SwapIo, slot: SwapSlot) {
        if io.slot_put(slot) == 1 && self.by_slot.contains_key(&slot) {
            self.uncache(io, slot);
        }
    }

    /// Frees up to `want` cached frames that no PTE maps (their slots keep
    /// the pages), looking at no more than `SHRINK_SCAN` times as many
    /// entries, on from where the last call stopped; how many it freed.
    pub fn shrink(&mut self, io: &mut impl SwapIo, want: usize) -> usize {
        let from = self.shrink_hand;
        let ahead = self.by_slot.range(from..).chain(self.by_slot.range(..from));
        let mut idle = Vec::new();
        for (&slot, &ppn) in ahead.take(want * SHRINK_SCAN) {
            self.shrink_hand = slot;
            if io.frame_count(ppn) == 1 {
                idle.push(slot);
                if idle.len() == want {
                    break;
                }
            }
        }
        idle.iter().for_each(|&slot| self.uncache(io, slot));
        idle.len()
    }

    fn insert(&mut self, slot: SwapSlot, ppn: Ppn) {
        self.by_slot.insert(slot, ppn);
        self.by_frame.insert(ppn, slot);
    }

    /// Takes `slot`'s entry out, dropping its holds on slot and frame.
    fn uncache(&mut self, io: &mut impl SwapIo, slot: SwapSlot) {
        if let Some(ppn) = self.by_slot.remove(&slot) {
            self.by_frame.remove(&ppn);
            io.slot_put(slot);
            io.frame_put(ppn);
        }
    }
}
