//! The mappings of an address space (VMAs): page-aligned, non-overlapping
//! ranges, each with permissions and a backing, kept ordered by start address.
//!
//! The page table is a cache of what the VMAs say: a fault inside a VMA with
//! the right permission can be resolved from its backing; a fault anywhere
//! else is a segmentation fault. `B` is the backing (anonymous memory, a file
//! and offset, ...), generic so this is host-tested. `munmap` and `mprotect`
//! of a sub-range split VMAs ([`VmaSet::remove_range`], [`VmaSet::set_perms`]);
//! neighbours that continue each other merge again ([`VmaSet::merge_around`]).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use sv39_arch::sv39::PAGE_SIZE;

/// Access rights of a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Perms(u8);

impl Perms {
    pub const NONE: Perms = Perms(0);
    pub const R: Perms = Perms(1);
    pub const W: Perms = Perms(2);
    pub const X: Perms = Perms(4);
    pub const RW: Perms = Perms(3);
    pub const RX: Perms = Perms(5);

    /// From `PROT_READ | PROT_WRITE | PROT_EXEC` bits (1, 2, 4).
    pub const fn from_prot(prot: u32) -> Perms {
        Perms((prot & 7) as u8)
    }

    pub const fn union(self, other: Perms) -> Perms {
        Perms(self.0 | other.0)
    }

    pub const fn without(self, other: Perms) -> Perms {
        Perms(self.0 & !other.0)
    }

    /// Whether every right in `other` is granted.
    pub const fn allows(self, other: Perms) -> bool {
        self.0 & other.0 == other.0
    }

    /// Linux's `/proc/PID/maps` spelling of the first three columns.
    pub fn rwx(self) -> [u8; 3] {
        let bit = |p: Perms, c: u8| if self.allows(p) { c } else { b'-' };
        [bit(Perms::R, b'r'), bit(Perms::W, b'w'), bit(Perms::X, b'x')]
    }
}

/// What a VMA maps: the part the VMA set needs to split and merge mappings,
/// and the part the fault handler needs to fill pages.
pub trait Backing: Clone {
    /// The backing of the part of a mapping that starts `by` bytes into it
    /// (a file offset moves on; anonymous memory stays as it is).
    fn advance(&self, by: u64) -> Self;
    /// Whether a mapping with this backing, `len` bytes long, followed at
    /// once by one backed by `next`, could be a single mapping.
    fn continues(&self, len: u64, next: &Self) -> bool;
    /// Shared (writes reach the object and every process mapping it) rather
    /// than private (copy-on-write).
    fn is_shared(&self) -> bool;
    /// The file offset at the mapping's start; `None` for anonymous memory.
    fn file_offset(&self) -> Option<u64>;
    /// In a private file mapping, bytes from this file offset on read as
    /// zero (the end of an ELF segment's file bytes, before its bss).
    fn zero_from(&self) -> Option<u64>;
    /// A stack: a fault just below it grows it down.
    fn grows_down(&self) -> bool;
}

/// One mapping: `[start, end)` with `perms`, backed by `backing`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vma<B> {
    pub start: u64,
    pub end: u64,
    pub perms: Perms,
    pub backing: B,
}

impl<B> Vma<B> {
    pub fn contains(&self, va: u64) -> bool {
        self.start <= va && va < self.end
    }

    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl<B: Backing> Vma<B> {
    /// Splits at `at` (strictly inside): `self` keeps the lower part, the
    /// upper part is returned.
    fn split_off(&mut self, at: u64) -> Vma<B> {
        let upper = Vma { start: at, end: self.end, perms: self.perms, backing: self.backing.advance(at - self.start) };
        self.end = at;
        upper
    }

    /// Whether `next` (starting at this VMA's end) can join this one.
    fn merges_with(&self, next: &Vma<B>) -> bool {
        self.end == next.start && self.perms == next.perms && self.backing.continues(self.len(), &next.backing)
    }
}

/// Why a VMA could not be added or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VmaError {
    /// The range is empty, reversed or not page-aligned.
    BadRange,
    /// The range overlaps an existing mapping.
    Overlap,
    /// No mapping starts at the address given.
    NoSuchVma,
}

/// An ordered set of non-overlapping VMAs.
#[derive(Clone, Debug)]
pub struct VmaSet<B> {
    by_start: BTreeMap<u64, Vma<B>>,
}

impl<B> Default for VmaSet<B> {
    fn default() -> Self {
        VmaSet { by_start: BTreeMap::new() }
    }
}

fn aligned(x: u64) -> bool {
    x.is_multiple_of(PAGE_SIZE)
}

impl<B> VmaSet<B> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether any mapping intersects `[start, end)`.
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        self.by_start.range(..end).next_back().is_some_and(|(_, v)| v.end > start)
    }

    /// Adds `vma`; its range must be page-aligned and free.
    pub fn insert(&mut self, vma: Vma<B>) -> Result<(), VmaError> {
        if vma.start >= vma.end || !aligned(vma.start) || !aligned(vma.end) {
            return Err(VmaError::BadRange);
        }
        if self.overlaps(vma.start, vma.end) {
            return Err(VmaError::Overlap);
        }
        self.by_start.insert(vma.start, vma);
        Ok(())
    }

    /// The mapping that contains `va`.
    pub fn find(&self, va: u64) -> Option<&Vma<B>> {
        let (_, v) = self.by_start.range(..=va).next_back()?;
        v.contains(va).then_some(v)
    }

    /// The first mapping that starts above `va`.
    pub fn next_above(&self, va: u64) -> Option<&Vma<B>> {
        self.by_start.range(va.saturating_add(1)..).next().map(|(_, v)| v)
    }

    /// The last mapping that ends at or below `va`.
    pub fn prev_below(&self, va: u64) -> Option<&Vma<B>> {
        self.by_start.range(..va).rev().map(|(_, v)| v).find(|v| v.end <= va)
    }

    /// The mapping that starts at `start`.
    pub fn get(&self, start: u64) -> Option<&Vma<B>> {
        self.by_start.get(&start)
    }

    /// Removes and returns the mapping that starts at `start`.
    pub fn remove(&mut self, start: u64) -> Option<Vma<B>> {
        self.by_start.remove(&start)
    }

    /// Moves the end of the mapping at `start` to `new_end` (growing it only
    /// into free space); returns the old end.
    pub fn set_end(&mut self, start: u64, new_end: u64) -> Result<u64, VmaError> {
        let old_end = self.by_start.get(&start).ok_or(VmaError::NoSuchVma)?.end;
        if new_end <= start || !aligned(new_end) {
            return Err(VmaError::BadRange);
        }
        if new_end > old_end && self.overlaps(old_end, new_end) {
            return Err(VmaError::Overlap);
        }
        if let Some(v) = self.by_start.get_mut(&start) {
            v.end = new_end;
        }
        Ok(old_end)
    }

    /// Moves the start of the mapping at `start` down to `new_start`, into
    /// free space (a stack growing down; the backing is kept as it is, so
    /// use it for anonymous memory).
    pub fn grow_down(&mut self, start: u64, new_start: u64) -> Result<(), VmaError> {
        if new_start >= start || !aligned(new_start) {
            return Err(VmaError::BadRange);
        }
        if self.overlaps(new_start, start) {
            return Err(VmaError::Overlap);
        }
        let mut v = self.by_start.remove(&start).ok_or(VmaError::NoSuchVma)?;
        v.start = new_start;
        self.by_start.insert(new_start, v);
        Ok(())
    }

    /// Whether every address of `[start, end)` lies in some mapping.
    pub fn covers(&self, start: u64, end: u64) -> bool {
        let mut at = start;
        for v in self.range(start, end) {
            if v.start > at {
                return false;
            }
            at = v.end;
        }
        at >= end
    }

    /// The mappings that intersect `[start, end)`, in address order.
    pub fn range(&self, start: u64, end: u64) -> impl Iterator<Item = &Vma<B>> {
        let first = self.by_start.range(..=start).next_back().filter(|(_, v)| v.end > start).map(|(&s, _)| s);
        self.by_start.range(first.unwrap_or(start)..end).map(|(_, v)| v).filter(move |v| v.end > start)
    }

    /// The highest `addr` (page-aligned) with `[addr, addr + len)` free and
    /// inside `[low, high)`: the top-down search of `mmap`.
    pub fn find_gap(&self, len: u64, low: u64, high: u64) -> Option<u64> {
        let mut top = high;
        for v in self.by_start.range(..high).rev().map(|(_, v)| v) {
            if v.end < top && top - v.end >= len && top - len >= low {
                return Some(top - len);
            }
            top = top.min(v.start);
            if top < low.saturating_add(len) {
                return None;
            }
        }
        (top >= low.saturating_add(len)).then(|| top - len)
    }

    /// The mappings in address order.
    pub fn iter(&self) -> impl Iterator<Item = &Vma<B>> {
        self.by_start.values()
    }

    /// Removes every mapping, in address order.
    pub fn drain(&mut self) -> impl Iterator<Item = Vma<B>> {
        core::mem::take(&mut self.by_start).into_values()
    }

    pub fn len(&self) -> usize {
        self.by_start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }
}

impl<B: Backing> VmaSet<B> {
    /// Makes `at` a boundary between mappings if a mapping spans it.
    pub fn split(&mut self, at: u64) {
        let Some((&start, _)) = self.by_start.range(..at).next_back() else { return };
        if let Some(v) = self.by_start.get_mut(&start).filter(|v| v.end > at) {
            let upper = v.split_off(at);
            self.by_start.insert(at, upper);
        }
    }

    /// Takes `[start, end)` out of the set, splitting the mappings at its
    /// ends; returns the pieces removed, in address order.
    pub fn remove_range(&mut self, start: u64, end: u64) -> Vec<Vma<B>> {
        self.split(start);
        self.split(end);
        let starts: Vec<u64> = self.by_start.range(start..end).map(|(&s, _)| s).collect();
        starts.into_iter().filter_map(|s| self.by_start.remove(&s)).collect()
    }

    /// Gives every mapping inside `[start, end)` the permissions `perms`,
    /// splitting the ones that cross its ends.
    pub fn set_perms(&mut self, start: u64, end: u64, perms: Perms) {
        self.split(start);
        self.split(end);
        for (_, v) in self.by_start.range_mut(start..end) {
            v.perms = perms;
        }
    }

    /// Joins the neighbours that continue each other among the mappings
    /// touching `[start, end]`.
    pub fn merge_around(&mut self, start: u64, end: u64) {
        let first = self.by_start.range(..start).next_back().map_or(start, |(&s, _)| s);
        let starts: Vec<u64> = self.by_start.range(first..=end).map(|(&s, _)| s).collect();
        let mut lower = None;
        for s in starts {
            let joined = match lower.and_then(|l| self.by_start.get(&l)) {
                Some(l) => self.by_start.get(&s).is_some_and(|v| l.merges_with(v)),
                None => false,
            };
            match (joined, lower) {
                (true, Some(l)) => {
                    let end = self.by_start.remove(&s).map(|v| v.end);
                    if let (Some(v), Some(e)) = (self.by_start.get_mut(&l), end) {
                        v.end = e;
                    }
                }
                _ => lower = Some(s),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test backing: `None` is anonymous, `Some(off)` a file at offset `off`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct File(Option<u64>);

    impl Backing for File {
        fn advance(&self, by: u64) -> Self {
            File(self.0.map(|o| o + by))
        }
        fn continues(&self, len: u64, next: &Self) -> bool {
            match (self.0, next.0) {
                (None, None) => true,
                (Some(a), Some(b)) => a + len == b,
                _ => false,
            }
        }
        fn is_shared(&self) -> bool {
            false
        }
        fn file_offset(&self) -> Option<u64> {
            self.0
        }
        fn zero_from(&self) -> Option<u64> {
            None
        }
        fn grows_down(&self) -> bool {
            false
        }
    }

    fn anon(start: u64, end: u64) -> Vma<File> {
        Vma { start, end, perms: Perms::RW, backing: File(None) }
    }

    fn file(start: u64, end: u64, off: u64) -> Vma<File> {
        Vma { start, end, perms: Perms::R, backing: File(Some(off)) }
    }

    fn ranges(set: &VmaSet<File>) -> Vec<(u64, u64)> {
        set.iter().map(|v| (v.start, v.end)).collect()
    }

    #[test]
    fn insert_find_and_reject_overlaps() {
        let mut set = VmaSet::new();
        set.insert(anon(0x1000, 0x3000)).unwrap();
        set.insert(anon(0x5000, 0x6000)).unwrap();
        assert_eq!(set.insert(anon(0x2000, 0x4000)), Err(VmaError::Overlap));
        assert_eq!(set.insert(anon(0x0, 0x2000)), Err(VmaError::Overlap));
        assert_eq!(set.insert(anon(0x4000, 0x7000)), Err(VmaError::Overlap), "covers a whole VMA");
        set.insert(anon(0x3000, 0x5000)).unwrap();
        assert_eq!(set.find(0x2fff).unwrap().start, 0x1000);
        assert_eq!(set.find(0x3000).unwrap().start, 0x3000);
        assert!(set.find(0x6000).is_none());
        assert!(set.find(0xfff).is_none());
        assert_eq!(set.len(), 3);
        assert_eq!(set.next_above(0x3000).unwrap().start, 0x5000);
        assert_eq!(set.prev_below(0x5000).unwrap().start, 0x3000);
        assert!(set.prev_below(0x1000).is_none());
    }

    #[test]
    fn bad_ranges_are_rejected() {
        let mut set = VmaSet::new();
        assert_eq!(set.insert(anon(0x1000, 0x1000)), Err(VmaError::BadRange));
        assert_eq!(set.insert(anon(0x1000, 0x1800)), Err(VmaError::BadRange));
        assert_eq!(set.insert(anon(0x2000, 0x1000)), Err(VmaError::BadRange));
        assert!(set.is_empty());
    }

    #[test]
    fn set_end_grows_into_free_space_only() {
        let mut set = VmaSet::new();
        set.insert(anon(0x10000, 0x11000)).unwrap();
        set.insert(anon(0x20000, 0x21000)).unwrap();
        assert_eq!(set.set_end(0x10000, 0x18000), Ok(0x11000));
        assert!(set.find(0x17fff).is_some());
        assert_eq!(set.set_end(0x10000, 0x21000), Err(VmaError::Overlap));
        assert_eq!(set.set_end(0x10000, 0x12000), Ok(0x18000), "shrinks");
        assert!(set.find(0x12000).is_none());
        assert_eq!(set.set_end(0x30000, 0x31000), Err(VmaError::NoSuchVma));
    }

    #[test]
    fn grow_down_stops_at_a_neighbour() {
        let mut set = VmaSet::new();
        set.insert(anon(0x10000, 0x11000)).unwrap();
        set.insert(anon(0x20000, 0x22000)).unwrap();
        set.grow_down(0x20000, 0x18000).unwrap();
        assert_eq!(set.find(0x18000).unwrap().start, 0x18000);
        assert_eq!(set.grow_down(0x18000, 0x10000), Err(VmaError::Overlap));
        assert_eq!(set.grow_down(0x18000, 0x18000), Err(VmaError::BadRange));
        assert_eq!(ranges(&set), [(0x10000, 0x11000), (0x18000, 0x22000)]);
    }

    #[test]
    fn munmap_of_a_middle_piece_splits_in_three() {
        let mut set = VmaSet::new();
        set.insert(file(0x10000, 0x20000, 0x3000)).unwrap();
        let removed = set.remove_range(0x14000, 0x16000);
        assert_eq!(removed, [file(0x14000, 0x16000, 0x7000)], "the file offset follows the piece");
        assert_eq!(ranges(&set), [(0x10000, 0x14000), (0x16000, 0x20000)]);
        assert_eq!(set.get(0x16000).unwrap().backing, File(Some(0x9000)));
    }

    #[test]
    fn remove_range_spanning_several_vmas_and_holes() {
        let mut set = VmaSet::new();
        set.insert(anon(0x1000, 0x3000)).unwrap();
        set.insert(anon(0x4000, 0x6000)).unwrap();
        set.insert(anon(0x8000, 0x9000)).unwrap();
        let removed = set.remove_range(0x2000, 0x8800);
        let got: Vec<(u64, u64)> = removed.iter().map(|v| (v.start, v.end)).collect();
        assert_eq!(got, [(0x2000, 0x3000), (0x4000, 0x6000), (0x8000, 0x8800)]);
        assert_eq!(ranges(&set), [(0x1000, 0x2000), (0x8800, 0x9000)]);
        assert!(set.remove_range(0x20000, 0x30000).is_empty(), "nothing there");
    }

    #[test]
    fn mprotect_splits_then_merges_back() {
        let mut set = VmaSet::new();
        set.insert(anon(0x10000, 0x20000)).unwrap();
        set.set_perms(0x12000, 0x13000, Perms::R);
        assert_eq!(ranges(&set), [(0x10000, 0x12000), (0x12000, 0x13000), (0x13000, 0x20000)]);
        assert_eq!(set.find(0x12000).unwrap().perms, Perms::R);
        set.merge_around(0x12000, 0x13000);
        assert_eq!(set.len(), 3, "different permissions do not merge");
        set.set_perms(0x12000, 0x13000, Perms::RW);
        set.merge_around(0x12000, 0x13000);
        assert_eq!(ranges(&set), [(0x10000, 0x20000)]);
    }

    #[test]
    fn only_continuing_backings_merge() {
        let mut set = VmaSet::new();
        set.insert(file(0x10000, 0x12000, 0)).unwrap();
        set.insert(file(0x12000, 0x13000, 0x2000)).unwrap();
        set.insert(file(0x13000, 0x14000, 0x9000)).unwrap();
        set.insert(anon(0x14000, 0x15000)).unwrap();
        set.merge_around(0x10000, 0x15000);
        assert_eq!(ranges(&set), [(0x10000, 0x13000), (0x13000, 0x14000), (0x14000, 0x15000)]);
    }

    #[test]
    fn covers_sees_holes() {
        let mut set = VmaSet::new();
        set.insert(anon(0x1000, 0x3000)).unwrap();
        set.insert(anon(0x3000, 0x4000)).unwrap();
        set.insert(anon(0x5000, 0x6000)).unwrap();
        assert!(set.covers(0x1000, 0x4000));
        assert!(set.covers(0x2000, 0x3800));
        assert!(!set.covers(0x1000, 0x5800));
        assert!(!set.covers(0x0, 0x2000));
        assert_eq!(set.range(0x2000, 0x5001).count(), 3);
        assert_eq!(set.range(0x4000, 0x5000).count(), 0);
    }

    #[test]
    fn gaps_are_found_top_down() {
        let mut set = VmaSet::new();
        set.insert(anon(0x10000, 0x20000)).unwrap();
        set.insert(anon(0x22000, 0x30000)).unwrap();
        assert_eq!(set.find_gap(0x1000, 0x1000, 0x40000), Some(0x3f000), "just below the top");
        assert_eq!(set.find_gap(0x2000, 0x1000, 0x30000), Some(0x20000), "the hole between");
        assert_eq!(set.find_gap(0x3000, 0x1000, 0x30000), Some(0xd000), "below everything");
        assert_eq!(set.find_gap(0x10000, 0x1000, 0x30000), None, "too big for any hole");
        assert_eq!(set.find_gap(0x1000, 0x20000, 0x22000), Some(0x21000));
        assert_eq!(set.find_gap(0x1000, 0x0, 0x0), None);
    }

    #[test]
    fn perms_spelling() {
        assert_eq!(&Perms::R.union(Perms::X).rwx(), b"r-x");
        assert_eq!(&Perms::RW.rwx(), b"rw-");
        assert!(Perms::RW.allows(Perms::W));
        assert!(!Perms::R.allows(Perms::W));
        assert_eq!(Perms::from_prot(7).without(Perms::W), Perms::RX);
    }
}
