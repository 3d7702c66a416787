//! A swap area's bookkeeping, as Linux's `swap_info_struct`: the header of
//! page 0 (`mkswap`'s `union swap_header`, version 1) and a map of slots
//! with a reference count each, so a page shared by fork goes to one slot
//! that every PTE naming it holds. Slot 0 is the header and never given out.

use alloc::vec;
use alloc::vec::Vec;

pub const PAGE_SIZE: usize = 4096;
const MAGIC: &[u8; 10] = b"SWAPSPACE2";

/// Why page 0 is not a swap header Linux would take (swapon: EINVAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// No "SWAPSPACE2" in the last ten bytes (not `mkswap`ed, or version 0).
    NoSignature,
    UnknownVersion(u32),
    /// Bad pages listed: this kernel does not skip them.
    BadPages(u32),
    /// last_page lies beyond the device, or leaves no slot.
    BadSize,
}

/// The slots of an area (pages 1..=last_page of the device) from `page0`,
/// on a device of `device_pages` pages.
pub fn parse_header(page0: &[u8; PAGE_SIZE], device_pages: u64) -> Result<u32, HeaderError> {
    if &page0[PAGE_SIZE - 10..] != MAGIC {
        return Err(HeaderError::NoSignature);
    }
    let word = |at: usize| u32::from_le_bytes([page0[at], page0[at + 1], page0[at + 2], page0[at + 3]]);
    match (word(1024), word(1028), word(1032)) {
        (1, last, 0) if last >= 1 && u64::from(last) < device_pages => Ok(last),
        (1, _, 0) => Err(HeaderError::BadSize),
        (1, _, bad) => Err(HeaderError::BadPages(bad)),
        (v, _, _) => Err(HeaderError::UnknownVersion(v)),
    }
}

/// Slot counts of one area: 0 free, n > 0 the PTEs (and swap-cache
/// entries) that hold it.
pub struct SwapMap {
    counts: Vec<u16>,
    free: u32,
    /// Where the next search for a free slot starts, so slots are handed
    /// out in order and a run of swap-outs lands on consecutive sectors.
    next: u32,
}

impl SwapMap {
    /// A map of slots 1..=last (slot 0 is the header).
    pub fn new(last: u32) -> SwapMap {
        let mut counts = vec![0u16; last as usize + 1];
        counts[0] = u16::MAX;
        SwapMap { counts, free: last, next: 1 }
    }

    /// Slots in the area.
    pub fn total(&self) -> u32 {
        self.counts.len() as u32 - 1
    }

    pub fn free(&self) -> u32 {
        self.free
    }

    /// A free slot, now held once; None when the area is full.
    pub fn alloc(&mut self) -> Option<u32> {
        if self.free == 0 {
            return None;
        }
        let n = self.counts.len() as u32;
        let slot = (self.next..n).chain(1..self.next).find(|&s| self.counts[s as usize] == 0)?;
        self.counts[slot as usize] = 1;
        self.free -= 1;
        self.next = if slot + 1 < n { slot + 1 } else { 1 };
        Some(slot)
    }

    /// One more holder of `slot` (a fork copying a swapped PTE); false if
    /// the slot is not in use or its count is full.
    pub fn dup(&mut self, slot: u32) -> bool {
        match self.counts.get_mut(slot as usize) {
            Some(c) if slot != 0 && *c > 0 && *c < u16::MAX - 1 => {
                *c += 1;
                true
            }
            _ => false,
        }
    }

    /// Drops one holder of `slot`; true when that freed it.
    pub fn put(&mut self, slot: u32) -> bool {
        match self.counts.get_mut(slot as usize) {
            Some(c) if slot != 0 && *c > 0 => {
                *c -= 1;
                if *c == 0 {
                    self.free += 1;
                }
                *c == 0
            }
            _ => false,
        }
    }

    /// The holders of `slot`.
    pub fn count(&self, slot: u32) -> u16 {
        if slot == 0 {
            return 0;
        }
        self.counts.get(slot as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(version: u32, last: u32, bad: u32) -> [u8; PAGE_SIZE] {
        let mut p = [0u8; PAGE_SIZE];
        p[1024..1028].copy_from_slice(&version.to_le_bytes());
        p[1028..1032].copy_from_slice(&last.to_le_bytes());
        p[1032..1036].copy_from_slice(&bad.to_le_bytes());
        p[PAGE_SIZE - 10..].copy_from_slice(MAGIC);
        p
    }

    #[test]
    fn mkswap_headers_are_taken() {
        assert_eq!(parse_header(&header(1, 2047, 0), 2048), Ok(2047));
        assert_eq!(parse_header(&header(1, 2048, 0), 2048), Err(HeaderError::BadSize));
        assert_eq!(parse_header(&header(1, 0, 0), 2048), Err(HeaderError::BadSize));
        assert_eq!(parse_header(&header(2, 10, 0), 2048), Err(HeaderError::UnknownVersion(2)));
        assert_eq!(parse_header(&header(1, 10, 1), 2048), Err(HeaderError::BadPages(1)));
        assert_eq!(parse_header(&[0; PAGE_SIZE], 2048), Err(HeaderError::NoSignature));
    }

    #[test]
    fn slots_are_given_in_order_and_reused() {
        let mut m = SwapMap::new(3);
        assert_eq!((m.total(), m.free()), (3, 3));
        assert_eq!([m.alloc(), m.alloc(), m.alloc(), m.alloc()], [Some(1), Some(2), Some(3), None]);
        assert!(m.put(2));
        assert_eq!(m.alloc(), Some(2));
        assert_eq!(m.free(), 0);
    }

    #[test]
    fn a_shared_slot_is_freed_by_its_last_holder() {
        let mut m = SwapMap::new(4);
        let s = m.alloc().unwrap();
        assert!(m.dup(s));
        assert_eq!(m.count(s), 2);
        assert!(!m.put(s), "one holder left");
        assert!(m.put(s), "the last one frees it");
        assert_eq!(m.free(), 4);
        assert!(!m.put(s), "a free slot is not put twice");
        assert!(!m.dup(s), "nor taken by dup");
        assert!(!m.dup(0) && !m.put(0), "the header is no slot");
    }
}
