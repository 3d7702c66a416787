//! Sv39 page tables: walk, map, unmap, protect, translate and free.
//!
//! The code is generic over [`TableMemory`], which hands out zeroed table pages
//! and reads and writes their entries, so the kernel runs it on physical memory
//! and the host tests run it on a `Vec` with a leak and double-free check.
//!
//! Page tables never own leaf frames: `map` stores a PPN and `unmap` hands it
//! back; the address space above decides who holds the frame's reference.
//! Every change returns a [`Flush`] token that must be spent on an
//! `sfence.vma` (or explicitly ignored when a whole-ASID flush follows);
//! changes to many leaves at once ([`PageTable::update_leaves`]) and freeing
//! emptied tables ([`PageTable::prune`]) return a [`FlushRange`].
//!
//! A level-0 entry with V = 0 but other bits set is a *software entry*: the
//! MMU ignores every other bit of an invalid PTE (privileged spec 4.3.1), so
//! the address space above keeps there where a page went (a swap slot). Such
//! entries keep their table alive, and [`PageTable::update_entries`] and
//! [`PageTable::free_range`] show them beside the leaves.

use alloc::vec::Vec;
use sv39_arch::pte::{is_leaf, make_pte, pte_ppn, PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X};
use sv39_arch::sv39::{level_size, vpn_index, ENTRIES_PER_TABLE, LEVELS, PAGE_SIZE};
use sv39_arch::{PhysAddr, Ppn, VirtAddr};

/// Where table pages come from and how their entries are reached.
pub trait TableMemory {
    /// A zeroed page for a new table, or `None` when memory is exhausted.
    fn alloc_table(&mut self) -> Option<PhysAddr>;
    /// Gives back a page obtained from `alloc_table`.
    fn free_table(&mut self, table: PhysAddr);
    /// Entry `index` of the table at `table`.
    fn read_pte(&self, table: PhysAddr, index: usize) -> u64;
    /// Sets entry `index` of the table at `table`.
    fn write_pte(&mut self, table: PhysAddr, index: usize, pte: u64);
}

/// Why a mapping change failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// No page was left for an intermediate table.
    NoMemory,
    /// The address already has a mapping (or a superpage covers it).
    AlreadyMapped,
    /// The address has no mapping.
    NotMapped,
    /// The address or physical address is not aligned to the leaf size.
    Misaligned,
}

/// A pending TLB invalidation for one virtual address.
#[must_use = "a page-table change is not visible until its TLB entry is flushed"]
#[derive(Debug)]
pub struct Flush(VirtAddr);

impl Flush {
    /// The address whose translation changed; consumes the token.
    pub fn into_va(self) -> VirtAddr {
        self.0
    }

    /// Drops the token because the caller flushes the whole address space.
    pub fn ignore(self) {}
}

/// TLB invalidations owed after changes to many entries: the leaves
/// changed, one by one while they are few, else (or when a table was freed:
/// a non-leaf change) a flush of the whole address space.
#[must_use = "page-table changes are not visible until their TLB entries are flushed"]
#[derive(Debug, Default)]
pub struct FlushRange {
    pages: Vec<VirtAddr>,
    all: bool,
}

impl FlushRange {
    /// Leaves changed beyond this many are flushed with the whole space.
    pub const MAX_PAGES: usize = 32;

    /// Owes a flush of the page at `va`.
    pub fn add(&mut self, va: VirtAddr) {
        if self.pages.len() < Self::MAX_PAGES {
            self.pages.push(va);
        } else {
            self.all = true;
        }
    }

    /// Whether nothing is owed.
    pub fn is_empty(&self) -> bool {
        !self.all && self.pages.is_empty()
    }

    /// Owes a flush of the whole address space.
    pub fn add_all(&mut self) {
        self.all = true;
    }

    /// Adds what `other` owes.
    pub fn merge(&mut self, other: FlushRange) {
        self.all |= other.all;
        for va in other.pages {
            self.add(va);
        }
    }

    /// `None` when the whole address space must be flushed, else the pages
    /// (none at all if nothing changed). Consumes the token.
    pub fn into_pages(self) -> Option<Vec<VirtAddr>> {
        (!self.all).then_some(self.pages)
    }
}

/// The size of a leaf: 4 KiB, 2 MiB or 1 GiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageSize {
    Size4K = 0,
    Size2M = 1,
    Size1G = 2,
}

impl PageSize {
    pub const fn bytes(self) -> u64 {
        level_size(self as usize)
    }
}

/// A leaf found by a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub pte: u64,
    pub level: usize,
}

impl Leaf {
    /// The physical address `va` translates to through this leaf.
    pub fn translate(&self, va: VirtAddr) -> PhysAddr {
        let offset = va.as_u64() & (level_size(self.level) - 1);
        Ppn(pte_ppn(self.pte)).addr().add(offset)
    }
}

/// One Sv39 page table, named by the physical address of its root.
#[derive(Debug)]
pub struct PageTable {
    root: PhysAddr,
}

impl PageTable {
    /// An empty table.
    pub fn new(mem: &mut impl TableMemory) -> Result<PageTable, MapError> {
        let root = mem.alloc_table().ok_or(MapError::NoMemory)?;
        Ok(PageTable { root })
    }

    pub fn root(&self) -> PhysAddr {
        self.root
    }

    /// The table and index of `va`'s entry at `level`, following (and when
    /// `create` is set, building) the tables above it (spec 4.3.2 steps 2-4).
    fn slot(
        &self,
        mem: &mut impl TableMemory,
        va: VirtAddr,
        level: usize,
        create: bool,
    ) -> Result<(PhysAddr, usize), MapError> {
        let mut table = self.root;
        for l in (level + 1..LEVELS).rev() {
            let index = vpn_index(va.as_u64(), l);
            let pte = mem.read_pte(table, index);
            if pte & PTE_V == 0 {
                if !create {
                    return Err(MapError::NotMapped);
                }
                let next = mem.alloc_table().ok_or(MapError::NoMemory)?;
                mem.write_pte(table, index, make_pte(next.as_u64(), PTE_V));
                table = next;
            } else if is_leaf(pte) {
                return Err(if create { MapError::AlreadyMapped } else { MapError::NotMapped });
            } else {
                table = Ppn(pte_ppn(pte)).addr();
            }
        }
        Ok((table, vpn_index(va.as_u64(), level)))
    }

    /// Builds the tables above `va`'s entry at `level` (so that later leaves
    /// under it land in tables that already exist, e.g. shared ones).
    pub fn prepare(&mut self, mem: &mut impl TableMemory, va: VirtAddr, level: usize) -> Result<(), MapError> {
        self.slot(mem, va, level, true).map(|_| ())
    }

    /// Maps `va` to `pa` with a leaf of `size` and `flags` (V is added; A is
    /// added, and D on writable leaves, so Svade harts never fault on them).
    pub fn map(
        &mut self,
        mem: &mut impl TableMemory,
        va: VirtAddr,
        pa: PhysAddr,
        size: PageSize,
        flags: u64,
    ) -> Result<Flush, MapError> {
        let bytes = size.bytes();
        if !va.as_u64().is_multiple_of(bytes) || !pa.as_u64().is_multiple_of(bytes) {
            return Err(MapError::Misaligned);
        }
        let (table, index) = self.slot(mem, va, size as usize, true)?;
        if mem.read_pte(table, index) & PTE_V != 0 {
            return Err(MapError::AlreadyMapped);
        }
        let ad = if flags & PTE_W != 0 { PTE_A | PTE_D } else { PTE_A };
        mem.write_pte(table, index, make_pte(pa.as_u64(), flags | ad | PTE_V));
        Ok(Flush(va))
    }

    /// The leaf that maps `va`, if any (spec 4.3.2 steps 2-5).
    pub fn leaf(&self, mem: &impl TableMemory, va: VirtAddr) -> Option<Leaf> {
        let mut table = self.root;
        for level in (0..LEVELS).rev() {
            let pte = mem.read_pte(table, vpn_index(va.as_u64(), level));
            if pte & PTE_V == 0 {
                return None;
            }
            if is_leaf(pte) {
                return Some(Leaf { pte, level });
            }
            table = Ppn(pte_ppn(pte)).addr();
        }
        None
    }

    /// The physical address `va` maps to.
    pub fn translate(&self, mem: &impl TableMemory, va: VirtAddr) -> Option<PhysAddr> {
        self.leaf(mem, va).map(|leaf| leaf.translate(va))
    }

    /// The level-0 entry for `va`, whatever it holds (0 when no level-0
    /// table covers `va`, or a superpage does).
    pub fn entry(&self, mem: &impl TableMemory, va: VirtAddr) -> u64 {
        let mut table = self.root;
        for level in (1..LEVELS).rev() {
            let pte = mem.read_pte(table, vpn_index(va.as_u64(), level));
            if pte & PTE_V == 0 || is_leaf(pte) {
                return 0;
            }
            table = Ppn(pte_ppn(pte)).addr();
        }
        mem.read_pte(table, vpn_index(va.as_u64(), 0))
    }

    /// Stores the software entry `pte` (V = 0) at `va`'s level-0 slot,
    /// building the tables above it; the slot must be empty.
    pub fn set_software_entry(&mut self, mem: &mut impl TableMemory, va: VirtAddr, pte: u64) -> Result<(), MapError> {
        debug_assert!(pte & PTE_V == 0 && pte != 0);
        let (table, index) = self.slot(mem, va.page_down(), 0, true)?;
        if mem.read_pte(table, index) != 0 {
            return Err(MapError::AlreadyMapped);
        }
        mem.write_pte(table, index, pte);
        Ok(())
    }

    /// Removes the 4 KiB leaf at `va`; returns the PTE it held.
    pub fn unmap(&mut self, mem: &mut impl TableMemory, va: VirtAddr) -> Result<(u64, Flush), MapError> {
        let (table, index) = self.slot(mem, va.page_down(), 0, false)?;
        let pte = mem.read_pte(table, index);
        if pte & PTE_V == 0 {
            return Err(MapError::NotMapped);
        }
        mem.write_pte(table, index, 0);
        Ok((pte, Flush(va.page_down())))
    }

    /// Replaces the flags of the 4 KiB leaf at `va` with `flags` (V, A and D
    /// added as `map` does), keeping its PPN.
    pub fn protect(&mut self, mem: &mut impl TableMemory, va: VirtAddr, flags: u64) -> Result<Flush, MapError> {
        let (table, index) = self.slot(mem, va.page_down(), 0, false)?;
        let pte = mem.read_pte(table, index);
        if pte & PTE_V == 0 {
            return Err(MapError::NotMapped);
        }
        let ad = if flags & PTE_W != 0 { PTE_A | PTE_D } else { PTE_A };
        let ppn = pte_ppn(pte);
        mem.write_pte(table, index, make_pte(ppn << 12, flags | ad | PTE_V));
        Ok(Flush(va.page_down()))
    }

    /// Points the 4 KiB leaf at `va` to `pa` with `flags` (V, A and D added
    /// as `map` does); returns the PTE it held.
    pub fn replace(
        &mut self,
        mem: &mut impl TableMemory,
        va: VirtAddr,
        pa: PhysAddr,
        flags: u64,
    ) -> Result<(u64, Flush), MapError> {
        if !pa.as_u64().is_multiple_of(PAGE_SIZE) {
            return Err(MapError::Misaligned);
        }
        let (table, index) = self.slot(mem, va.page_down(), 0, false)?;
        let old = mem.read_pte(table, index);
        if old & PTE_V == 0 {
            return Err(MapError::NotMapped);
        }
        let ad = if flags & PTE_W != 0 { PTE_A | PTE_D } else { PTE_A };
        mem.write_pte(table, index, make_pte(pa.as_u64(), flags | ad | PTE_V));
        Ok((old, Flush(va.page_down())))
    }

    /// Calls `f(mem, va, pte)` for every leaf in the user range
    /// `[start, end)`, skipping absent tables; where `f` returns a new
    /// entry, writes it.
    pub fn update_leaves<M: TableMemory>(
        &self,
        mem: &mut M,
        start: u64,
        end: u64,
        f: &mut impl FnMut(&mut M, VirtAddr, u64) -> Option<u64>,
    ) -> FlushRange {
        let mut flush = FlushRange::default();
        let span = Span { start, end, software: false };
        update_in(mem, self.root, LEVELS - 1, 0, span, f, &mut flush);
        flush
    }

    /// `update_leaves` that also shows the software entries (V = 0); a
    /// software entry rewritten needs no flush, but is counted as one.
    pub fn update_entries<M: TableMemory>(
        &self,
        mem: &mut M,
        start: u64,
        end: u64,
        f: &mut impl FnMut(&mut M, VirtAddr, u64) -> Option<u64>,
    ) -> FlushRange {
        let mut flush = FlushRange::default();
        let span = Span { start, end, software: true };
        update_in(mem, self.root, LEVELS - 1, 0, span, f, &mut flush);
        flush
    }

    /// Frees the tables below the root, in the user range `[start, end)`,
    /// that no longer hold any entry.
    pub fn prune(&mut self, mem: &mut impl TableMemory, start: u64, end: u64) -> FlushRange {
        let mut flush = FlushRange::default();
        prune_in(mem, self.root, LEVELS - 1, 0, Span { start, end, software: false }, &mut flush);
        flush
    }

    /// Copies root entries `range` from `other` (the kernel's half, whose
    /// lower tables are then shared by every address space).
    pub fn share_root_entries(
        &mut self,
        mem: &mut impl TableMemory,
        other: &PageTable,
        range: core::ops::Range<usize>,
    ) {
        for index in range {
            let pte = mem.read_pte(other.root, index);
            mem.write_pte(self.root, index, pte);
        }
    }

    /// Calls `f(va, pte)` for every leaf under root entries `range`.
    pub fn for_each_leaf(
        &self,
        mem: &impl TableMemory,
        range: core::ops::Range<usize>,
        f: &mut impl FnMut(VirtAddr, u64),
    ) {
        for index in range {
            visit(mem, self.root, LEVELS - 1, index, 0, f);
        }
    }

    /// Frees the tables under root entries `range` and clears those entries,
    /// calling `on_leaf(mem, va, pte)` for each leaf or software entry
    /// still there.
    pub fn free_range<M: TableMemory>(
        &mut self,
        mem: &mut M,
        range: core::ops::Range<usize>,
        on_leaf: &mut impl FnMut(&mut M, VirtAddr, u64),
    ) {
        for index in range {
            let pte = mem.read_pte(self.root, index);
            if pte & PTE_V != 0 {
                release(mem, pte, LEVELS - 1, sign_extend((index as u64) << 30), on_leaf);
                mem.write_pte(self.root, index, 0);
            }
        }
    }

    /// Frees the root page; the caller has emptied or shared every entry
    /// and uses the table no more.
    pub fn free_root(&mut self, mem: &mut impl TableMemory) {
        mem.free_table(self.root);
        self.root = PhysAddr(0);
    }
}

/// Sv39 addresses with bit 38 set are in the upper (kernel) half.
fn sign_extend(va: u64) -> VirtAddr {
    let extended = ((va << 25) as i64 >> 25) as u64;
    VirtAddr::new(extended).unwrap_or_default()
}

/// Visits entry `index` of `table` at `level`, whose region starts at `base`.
fn visit(
    mem: &impl TableMemory,
    table: PhysAddr,
    level: usize,
    index: usize,
    base: u64,
    f: &mut impl FnMut(VirtAddr, u64),
) {
    let pte = mem.read_pte(table, index);
    if pte & PTE_V == 0 {
        return;
    }
    let va = base + index as u64 * level_size(level);
    if is_leaf(pte) {
        f(sign_extend(va), pte);
        return;
    }
    let next = Ppn(pte_ppn(pte)).addr();
    for i in 0..ENTRIES_PER_TABLE {
        visit(mem, next, level - 1, i, va, f);
    }
}

/// Frees the table a non-leaf `pte` at `level` points to, and all below it.
fn release<M: TableMemory>(
    mem: &mut M,
    pte: u64,
    level: usize,
    va: VirtAddr,
    on_leaf: &mut impl FnMut(&mut M, VirtAddr, u64),
) {
    if is_leaf(pte) {
        on_leaf(mem, va, pte);
        return;
    }
    let table = Ppn(pte_ppn(pte)).addr();
    for i in 0..ENTRIES_PER_TABLE {
        let child = mem.read_pte(table, i);
        let child_va = sign_extend(va.as_u64() + i as u64 * level_size(level - 1));
        if child & PTE_V != 0 {
            release(mem, child, level - 1, child_va, on_leaf);
        } else if child != 0 && level == 1 {
            on_leaf(mem, child_va, child);
        }
    }
    mem.free_table(table);
}

/// A user range `[start, end)` being walked.
#[derive(Clone, Copy)]
struct Span {
    start: u64,
    end: u64,
    /// Whether software entries are shown too.
    software: bool,
}

impl Span {
    /// The entries of a table at `level` covering `base..` that intersect it.
    fn indices(self, level: usize, base: u64) -> core::ops::Range<usize> {
        let size = level_size(level);
        let top = base + size * ENTRIES_PER_TABLE as u64;
        if self.end <= base || self.start >= top || self.start >= self.end {
            return 0..0;
        }
        let first = (self.start.max(base) - base) / size;
        let last = (self.end.min(top) - 1 - base) / size;
        first as usize..last as usize + 1
    }
}

/// `update_leaves` below `table` at `level`, whose region starts at `base`.
fn update_in<M: TableMemory>(
    mem: &mut M,
    table: PhysAddr,
    level: usize,
    base: u64,
    span: Span,
    f: &mut impl FnMut(&mut M, VirtAddr, u64) -> Option<u64>,
    flush: &mut FlushRange,
) {
    for i in span.indices(level, base) {
        let va = base + i as u64 * level_size(level);
        let pte = mem.read_pte(table, i);
        if pte & PTE_V == 0 {
            if span.software && level == 0 && pte != 0 {
                if let Some(new) = f(mem, sign_extend(va), pte) {
                    mem.write_pte(table, i, new);
                }
            }
            continue;
        }
        if is_leaf(pte) {
            let at = sign_extend(va);
            if let Some(new) = f(mem, at, pte) {
                mem.write_pte(table, i, new);
                flush.add(at);
            }
        } else if level > 0 {
            update_in(mem, Ppn(pte_ppn(pte)).addr(), level - 1, va, span, f, flush);
        }
    }
}

/// `prune` below `table` at `level`, whose region starts at `base`.
fn prune_in(mem: &mut impl TableMemory, table: PhysAddr, level: usize, base: u64, span: Span, flush: &mut FlushRange) {
    for i in span.indices(level, base) {
        let pte = mem.read_pte(table, i);
        if pte & PTE_V == 0 || is_leaf(pte) || level == 0 {
            continue;
        }
        let child = Ppn(pte_ppn(pte)).addr();
        prune_in(mem, child, level - 1, base + i as u64 * level_size(level), span, flush);
        if (0..ENTRIES_PER_TABLE).all(|k| mem.read_pte(child, k) == 0) {
            mem.write_pte(table, i, 0);
            mem.free_table(child);
            flush.add_all();
        }
    }
}

/// Whether a leaf's flags allow `access` (a mask of R, W, X).
pub fn permits(pte: u64, access: u64) -> bool {
    pte & access & (PTE_R | PTE_W | PTE_X) == access
}

/// The leaf size that fits `va`, `pa` and `len` best, largest first.
pub fn best_size(va: u64, pa: u64, len: u64) -> PageSize {
    for size in [PageSize::Size1G, PageSize::Size2M] {
        let b = size.bytes();
        if va.is_multiple_of(b) && pa.is_multiple_of(b) && len >= b {
            return size;
        }
    }
    PageSize::Size4K
}

/// Rounds `x` up to a whole page.
pub const fn page_up(x: u64) -> u64 {
    (x + PAGE_SIZE - 1) & !(PAGE_SIZE - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use sv39_arch::pte::{PTE_G, PTE_U};

    /// Table pages in a map, with a check that none leaks or is freed twice.
    struct FakeMemory {
        pages: std::collections::BTreeMap<u64, [u64; 512]>,
        next: u64,
        limit: usize,
        freed: BTreeSet<u64>,
    }

    impl FakeMemory {
        fn new(limit: usize) -> Self {
            FakeMemory { pages: Default::default(), next: 0x8000_0000, limit, freed: BTreeSet::new() }
        }
    }

    impl TableMemory for FakeMemory {
        fn alloc_table(&mut self) -> Option<PhysAddr> {
            if self.pages.len() >= self.limit {
                return None;
            }
            let pa = self.next;
            self.next += 4096;
            self.pages.insert(pa, [0; 512]);
            Some(PhysAddr(pa))
        }
        fn free_table(&mut self, table: PhysAddr) {
            assert!(self.pages.remove(&table.0).is_some(), "double free of table {table:?}");
            self.freed.insert(table.0);
        }
        fn read_pte(&self, table: PhysAddr, index: usize) -> u64 {
            self.pages[&table.0][index]
        }
        fn write_pte(&mut self, table: PhysAddr, index: usize, pte: u64) {
            self.pages.get_mut(&table.0).expect("write to a freed table")[index] = pte;
        }
    }

    fn va(x: u64) -> VirtAddr {
        VirtAddr::new(x).unwrap()
    }

    #[test]
    fn map_translate_unmap_4k() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.map(&mut mem, va(0x1_2345_6000), PhysAddr(0x8765_4000), PageSize::Size4K, PTE_R | PTE_W | PTE_U)
            .unwrap()
            .ignore();
        assert_eq!(mem.pages.len(), 3, "root plus two intermediate tables");
        assert_eq!(pt.translate(&mem, va(0x1_2345_6abc)), Some(PhysAddr(0x8765_4abc)));
        assert_eq!(pt.translate(&mem, va(0x1_2345_7000)), None);
        let leaf = pt.leaf(&mem, va(0x1_2345_6000)).unwrap();
        assert_eq!(leaf.pte & (PTE_A | PTE_D | PTE_V), PTE_A | PTE_D | PTE_V, "A and D preset on a writable leaf");
        let (pte, flush) = pt.unmap(&mut mem, va(0x1_2345_6fff)).unwrap();
        assert_eq!(flush.into_va(), va(0x1_2345_6000));
        assert_eq!(pte_ppn(pte), 0x87654);
        assert_eq!(pt.unmap(&mut mem, va(0x1_2345_6000)).unwrap_err(), MapError::NotMapped);
    }

    #[test]
    fn read_only_leaf_gets_a_but_not_d() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.map(&mut mem, va(0x1000), PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R | PTE_X).unwrap().ignore();
        let pte = pt.leaf(&mem, va(0x1000)).unwrap().pte;
        assert_eq!(pte & (PTE_A | PTE_D), PTE_A);
        assert!(permits(pte, PTE_R | PTE_X));
        assert!(!permits(pte, PTE_W));
    }

    #[test]
    fn double_map_and_misalignment_are_errors() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.map(&mut mem, va(0x20_0000), PhysAddr(0x8020_0000), PageSize::Size2M, PTE_R).unwrap().ignore();
        assert_eq!(
            pt.map(&mut mem, va(0x20_0000), PhysAddr(0x8000_0000), PageSize::Size2M, PTE_R).unwrap_err(),
            MapError::AlreadyMapped
        );
        assert_eq!(
            pt.map(&mut mem, va(0x20_1000), PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R).unwrap_err(),
            MapError::AlreadyMapped,
            "inside a superpage"
        );
        assert_eq!(
            pt.map(&mut mem, va(0x40_1000), PhysAddr(0x8000_0000), PageSize::Size2M, PTE_R).unwrap_err(),
            MapError::Misaligned
        );
        assert_eq!(pt.translate(&mem, va(0x3f_fff8)), Some(PhysAddr(0x803f_fff8)));
    }

    #[test]
    fn prepare_builds_the_tables_above_a_level() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.prepare(&mut mem, va(0xffff_ffd0_0000_0000), 1).unwrap();
        assert_eq!(mem.pages.len(), 2, "root and one level-1 table");
        pt.prepare(&mut mem, va(0xffff_ffd0_0000_0000), 1).unwrap();
        assert_eq!(mem.pages.len(), 2, "idempotent");
    }

    #[test]
    fn out_of_memory_is_reported() {
        let mut mem = FakeMemory::new(2);
        let mut pt = PageTable::new(&mut mem).unwrap();
        let err = pt.map(&mut mem, va(0x1000), PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R).unwrap_err();
        assert_eq!(err, MapError::NoMemory);
    }

    #[test]
    fn protect_changes_permissions_only() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.map(&mut mem, va(0x5000), PhysAddr(0x8000_9000), PageSize::Size4K, PTE_R | PTE_W | PTE_U).unwrap().ignore();
        pt.protect(&mut mem, va(0x5000), PTE_R | PTE_U).unwrap().ignore();
        let pte = pt.leaf(&mem, va(0x5000)).unwrap().pte;
        assert_eq!(pte & (PTE_R | PTE_W | PTE_X | PTE_U), PTE_R | PTE_U);
        assert_eq!(pte_ppn(pte), 0x80009);
        assert_eq!(pt.protect(&mut mem, va(0x6000), PTE_R).unwrap_err(), MapError::NotMapped);
    }

    #[test]
    fn free_range_frees_every_table_and_reports_leaves() {
        let mut mem = FakeMemory::new(64);
        let mut pt = PageTable::new(&mut mem).unwrap();
        let addrs = [0x1000, 0x2000, 0x40_0000, 0x10_0000_0000, 0x3f_ffff_f000];
        for (i, &a) in addrs.iter().enumerate() {
            pt.map(&mut mem, va(a), PhysAddr(0x8000_0000 + i as u64 * 4096), PageSize::Size4K, PTE_R | PTE_U)
                .unwrap()
                .ignore();
        }
        let mut seen = Vec::new();
        pt.for_each_leaf(&mem, 0..256, &mut |v, _| seen.push(v.as_u64()));
        assert_eq!(seen, addrs);
        let mut leaves = Vec::new();
        pt.free_range(&mut mem, 0..256, &mut |_, v, pte| leaves.push((v.as_u64(), pte_ppn(pte))));
        assert_eq!(leaves.len(), addrs.len());
        assert_eq!(leaves[4], (0x3f_ffff_f000, 0x80004));
        pt.free_root(&mut mem);
        assert!(mem.pages.is_empty(), "tables leaked: {:x?}", mem.pages.keys().collect::<Vec<_>>());
    }

    #[test]
    fn shared_kernel_half_is_seen_and_not_freed() {
        let mut mem = FakeMemory::new(64);
        let mut kernel = PageTable::new(&mut mem).unwrap();
        let kva = va(0xffff_ffc0_8000_0000);
        kernel.map(&mut mem, kva, PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R | PTE_G).unwrap().ignore();
        let mut user = PageTable::new(&mut mem).unwrap();
        user.share_root_entries(&mut mem, &kernel, 256..512);
        assert_eq!(user.translate(&mem, kva), Some(PhysAddr(0x8000_0000)));
        let mut kernel_leaves = Vec::new();
        kernel.for_each_leaf(&mem, 256..512, &mut |v, _| kernel_leaves.push(v));
        assert_eq!(kernel_leaves, [kva], "upper-half addresses are sign-extended");
        let before = mem.pages.len();
        user.free_range(&mut mem, 0..256, &mut |_, _, _| panic!("no user leaves"));
        user.free_root(&mut mem);
        assert_eq!(mem.pages.len(), before - 1, "only the user root went");
        assert_eq!(kernel.translate(&mem, kva), Some(PhysAddr(0x8000_0000)));
    }

    #[test]
    fn replace_swaps_the_frame_and_flags() {
        let mut mem = FakeMemory::new(16);
        let mut pt = PageTable::new(&mut mem).unwrap();
        pt.map(&mut mem, va(0x5000), PhysAddr(0x8000_9000), PageSize::Size4K, PTE_R | PTE_U).unwrap().ignore();
        let (old, flush) = pt.replace(&mut mem, va(0x5008), PhysAddr(0x8000_a000), PTE_R | PTE_W | PTE_U).unwrap();
        assert_eq!(flush.into_va(), va(0x5000));
        assert_eq!(pte_ppn(old), 0x80009);
        let pte = pt.leaf(&mem, va(0x5000)).unwrap().pte;
        assert_eq!((pte_ppn(pte), pte & (PTE_W | PTE_D)), (0x8000a, PTE_W | PTE_D));
        assert_eq!(pt.replace(&mut mem, va(0x6000), PhysAddr(0x8000_a000), PTE_R).unwrap_err(), MapError::NotMapped);
    }

    #[test]
    fn update_leaves_visits_only_the_range_and_counts_flushes() {
        let mut mem = FakeMemory::new(64);
        let mut pt = PageTable::new(&mut mem).unwrap();
        let addrs = [0x1000, 0x2000, 0x40_0000, 0x40_1000, 0x10_0000_0000];
        for (i, &a) in addrs.iter().enumerate() {
            pt.map(&mut mem, va(a), PhysAddr(0x8000_0000 + i as u64 * 4096), PageSize::Size4K, PTE_R | PTE_W | PTE_U)
                .unwrap()
                .ignore();
        }
        let mut seen = Vec::new();
        let flush = pt.update_leaves(&mut mem, 0x2000, 0x40_1000, &mut |_, v, pte| {
            seen.push(v.as_u64());
            Some(pte & !PTE_W)
        });
        assert_eq!(seen, [0x2000, 0x40_0000], "end exclusive");
        assert_eq!(flush.into_pages().unwrap(), [va(0x2000), va(0x40_0000)]);
        assert!(!permits(pt.leaf(&mem, va(0x2000)).unwrap().pte, PTE_W));
        assert!(permits(pt.leaf(&mem, va(0x1000)).unwrap().pte, PTE_W));
        let untouched = pt.update_leaves(&mut mem, 0, 0x40_0000_0000, &mut |_, _, _| None);
        assert_eq!(untouched.into_pages().unwrap(), Vec::<VirtAddr>::new());
    }

    #[test]
    fn many_changes_flush_the_whole_space() {
        let mut mem = FakeMemory::new(64);
        let mut pt = PageTable::new(&mut mem).unwrap();
        for i in 0..40u64 {
            pt.map(&mut mem, va(0x10000 + i * 4096), PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R | PTE_U)
                .unwrap()
                .ignore();
        }
        let flush = pt.update_leaves(&mut mem, 0, 1 << 30, &mut |_, _, _| Some(0));
        assert_eq!(flush.into_pages(), None);
    }

    #[test]
    fn prune_frees_emptied_tables_only() {
        let mut mem = FakeMemory::new(64);
        let mut pt = PageTable::new(&mut mem).unwrap();
        for a in [0x1000, 0x40_0000, 0x80_0000] {
            pt.map(&mut mem, va(a), PhysAddr(0x8000_0000), PageSize::Size4K, PTE_R | PTE_U).unwrap().ignore();
        }
        assert_eq!(mem.pages.len(), 5, "root, one level-1 and three level-0 tables");
        pt.unmap(&mut mem, va(0x40_0000)).unwrap().1.ignore();
        let flush = pt.prune(&mut mem, 0, 1 << 30);
        assert_eq!(flush.into_pages(), None, "a freed table needs a full flush");
        assert_eq!(mem.pages.len(), 4);
        assert!(pt.translate(&mem, va(0x80_0000)).is_some());
        let nothing = pt.prune(&mut mem, 0, 1 << 30);
        assert_eq!(nothing.into_pages().unwrap().len(), 0);
        pt.unmap(&mut mem, va(0x1000)).unwrap().1.ignore();
        pt.unmap(&mut mem, va(0x80_0000)).unwrap().1.ignore();
        pt.prune(&mut mem, 0, 1 << 30).into_pages();
        assert_eq!(mem.pages.len(), 1, "only the root is left");
    }

    #[test]
    fn best_size_picks_the_largest_aligned_leaf() {
        assert_eq!(best_size(0x4000_0000, 0x8000_0000, 1 << 30), PageSize::Size1G);
        assert_eq!(best_size(0x4000_0000, 0x8020_0000, 1 << 30), PageSize::Size2M);
        assert_eq!(best_size(0x4000_0000, 0x8000_0000, 0x1f_f000), PageSize::Size4K);
    }
}
