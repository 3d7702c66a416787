//! The mappings of an address space (VMAs): page-aligned, non-overlapping
//! ranges, each with permissions and a backing, kept ordered by start address.
//!
//! The page table is a cache of what the VMAs say: a fault inside a VMA with
//! the right permission can be resolved from its backing; a fault anywhere
//! else is a segmentation fault. `B` is the backing type (the kernel's
//! anonymous memory, a file and offset, ...), generic so this is host-tested.

use alloc::collections::BTreeMap;
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

    pub const fn union(self, other: Perms) -> Perms {
        Perms(self.0 | other.0)
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
        if let Some((_, v)) = self.by_start.range(..end).next_back() {
            return v.end > start;
        }
        false
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vma(start: u64, end: u64) -> Vma<&'static str> {
        Vma { start, end, perms: Perms::RW, backing: "anon" }
    }

    #[test]
    fn insert_find_and_reject_overlaps() {
        let mut set = VmaSet::new();
        set.insert(vma(0x1000, 0x3000)).unwrap();
        set.insert(vma(0x5000, 0x6000)).unwrap();
        assert_eq!(set.insert(vma(0x2000, 0x4000)), Err(VmaError::Overlap));
        assert_eq!(set.insert(vma(0x0, 0x2000)), Err(VmaError::Overlap));
        assert_eq!(set.insert(vma(0x4000, 0x7000)), Err(VmaError::Overlap), "covers a whole VMA");
        set.insert(vma(0x3000, 0x5000)).unwrap();
        assert_eq!(set.find(0x2fff).unwrap().start, 0x1000);
        assert_eq!(set.find(0x3000).unwrap().start, 0x3000);
        assert!(set.find(0x6000).is_none());
        assert!(set.find(0xfff).is_none());
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn bad_ranges_are_rejected() {
        let mut set = VmaSet::new();
        assert_eq!(set.insert(vma(0x1000, 0x1000)), Err(VmaError::BadRange));
        assert_eq!(set.insert(vma(0x1000, 0x1800)), Err(VmaError::BadRange));
        assert_eq!(set.insert(vma(0x2000, 0x1000)), Err(VmaError::BadRange));
        assert!(set.is_empty());
    }

    #[test]
    fn set_end_grows_into_free_space_only() {
        let mut set = VmaSet::new();
        set.insert(vma(0x10000, 0x11000)).unwrap();
        set.insert(vma(0x20000, 0x21000)).unwrap();
        assert_eq!(set.set_end(0x10000, 0x18000), Ok(0x11000));
        assert!(set.find(0x17fff).is_some());
        assert_eq!(set.set_end(0x10000, 0x21000), Err(VmaError::Overlap));
        assert_eq!(set.set_end(0x10000, 0x12000), Ok(0x18000), "shrinks");
        assert!(set.find(0x12000).is_none());
        assert_eq!(set.set_end(0x30000, 0x31000), Err(VmaError::NoSuchVma));
    }

    #[test]
    fn perms_spelling() {
        assert_eq!(&Perms::R.union(Perms::X).rwx(), b"r-x");
        assert_eq!(&Perms::RW.rwx(), b"rw-");
        assert!(Perms::RW.allows(Perms::W));
        assert!(!Perms::R.allows(Perms::W));
    }
}
