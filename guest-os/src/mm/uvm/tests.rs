//! Host tests of the user address space on a fake physical memory that
//! counts every frame reference, every table and every TLB flush.

use super::*;
use crate::mm::page_table::TableMemory;
use crate::mm::swap_cache::{SwapCache, SwapIo};
use std::boxed::Box;
use std::collections::BTreeMap;
use std::vec;
use std::vec::Vec;

/// What a test mapping is: anonymous or the one test file, private or shared.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Obj {
    file: Option<u64>,
    zero_from: Option<u64>,
    shared: bool,
    stack: bool,
}

impl Backing for Obj {
    fn advance(&self, by: u64) -> Self {
        Obj { file: self.file.map(|o| o + by), ..self.clone() }
    }
    fn continues(&self, len: u64, next: &Self) -> bool {
        let offsets = match (self.file, next.file) {
            (None, None) => true,
            (Some(a), Some(b)) => a + len == b,
            _ => false,
        };
        offsets && (self.zero_from, self.shared, self.stack) == (next.zero_from, next.shared, next.stack)
    }
    fn is_shared(&self) -> bool {
        self.shared
    }
    fn file_offset(&self) -> Option<u64> {
        self.file
    }
    fn zero_from(&self) -> Option<u64> {
        self.zero_from
    }
    fn grows_down(&self) -> bool {
        self.stack
    }
}

const ANON: Obj = Obj { file: None, zero_from: None, shared: false, stack: false };

fn file(offset: u64, shared: bool) -> Obj {
    Obj { file: Some(offset), zero_from: None, shared, stack: false }
}

struct Frame {
    bytes: Box<[u8; PAGE]>,
    refs: u32,
}

/// Physical memory: tables and frames by PPN, a zero frame, and the page
/// cache of one file whose store is `store`.
struct FakeMem {
    tables: BTreeMap<u64, Box<[u64; 512]>>,
    frames: BTreeMap<u64, Frame>,
    next: u64,
    zero: Ppn,
    cache: BTreeMap<u64, Ppn>,
    store: Vec<u8>,
    reads: u32,
    frame_limit: usize,
    flushes: Vec<(u16, Option<u64>)>,
    icache_syncs: usize,
    /// Swap: held slots (holds, page), how many there are, the cache.
    slots: BTreeMap<u32, (u16, Box<[u8; PAGE]>)>,
    slot_limit: u32,
    swap_cache: SwapCache,
    swap_writes: u32,
    swap_reads: u32,
    /// Private frames above which `reclaim_wanted` asks for the excess.
    high_water: usize,
}

impl FakeMem {
    fn new() -> FakeMem {
        let mut m = FakeMem {
            tables: BTreeMap::new(),
            frames: BTreeMap::new(),
            next: 0x80000,
            zero: Ppn(0),
            cache: BTreeMap::new(),
            store: (0..3 * PAGE + 100).map(|i| (i / PAGE) as u8 + 0x10).collect(),
            reads: 0,
            frame_limit: usize::MAX,
            flushes: Vec::new(),
            icache_syncs: 0,
            slots: BTreeMap::new(),
            slot_limit: 64,
            swap_cache: SwapCache::new(),
            swap_writes: 0,
            swap_reads: 0,
            high_water: usize::MAX,
        };
        m.zero = m.alloc_frame().unwrap();
        m
    }

    fn ppn(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn byte(&self, ppn: Ppn, offset: usize) -> u8 {
        self.frames[&ppn.0].bytes[offset]
    }

    fn refs(&self, ppn: Ppn) -> u32 {
        self.frames.get(&ppn.0).map_or(0, |f| f.refs)
    }

    /// Frames other than the zero page and the caches'.
    fn private_frames(&self) -> usize {
        self.frames.len() - 1 - self.cache.len() - self.swap_cache.len()
    }

    /// Runs `f` on the swap cache with this memory as its I/O.
    fn with_swap<T>(&mut self, f: impl FnOnce(&mut SwapCache, &mut FakeMem) -> T) -> T {
        let mut cache = core::mem::take(&mut self.swap_cache);
        let t = f(&mut cache, self);
        self.swap_cache = cache;
        t
    }
}

impl SwapIo for FakeMem {
    fn frame_alloc(&mut self) -> Option<Ppn> {
        self.alloc_frame()
    }
    fn frame_get(&mut self, ppn: Ppn) {
        self.share_frame(ppn);
    }
    fn frame_put(&mut self, ppn: Ppn) {
        self.release_frame(ppn);
    }
    fn frame_count(&self, ppn: Ppn) -> u32 {
        self.refs(ppn)
    }
    fn slot_alloc(&mut self) -> Option<SwapSlot> {
        let page = (1..=self.slot_limit).find(|p| !self.slots.contains_key(p))?;
        self.slots.insert(page, (1, Box::new([0; PAGE])));
        Some(SwapSlot::new(0, page))
    }
    fn slot_dup(&mut self, slot: SwapSlot) {
        self.slots.get_mut(&slot.page()).expect("dup of a free slot").0 += 1;
    }
    fn slot_put(&mut self, slot: SwapSlot) -> u16 {
        let held = self.slots.get_mut(&slot.page()).expect("put of a free slot");
        held.0 -= 1;
        let left = held.0;
        if left == 0 {
            self.slots.remove(&slot.page());
        }
        left
    }
    fn write_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool {
        let bytes = *self.frames[&ppn.0].bytes;
        *self.slots.get_mut(&slot.page()).expect("write to a free slot").1 = bytes;
        self.swap_writes += 1;
        true
    }
    fn read_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool {
        let bytes = *self.slots[&slot.page()].1;
        *self.frames.get_mut(&ppn.0).unwrap().bytes = bytes;
        self.swap_reads += 1;
        true
    }
}

impl TableMemory for FakeMem {
    fn alloc_table(&mut self) -> Option<PhysAddr> {
        let ppn = self.ppn();
        self.tables.insert(ppn, Box::new([0; 512]));
        Some(Ppn(ppn).addr())
    }
    fn free_table(&mut self, table: PhysAddr) {
        assert!(self.tables.remove(&table.ppn().0).is_some(), "table {table:?} freed twice");
    }
    fn read_pte(&self, table: PhysAddr, index: usize) -> u64 {
        self.tables[&table.ppn().0][index]
    }
    fn write_pte(&mut self, table: PhysAddr, index: usize, pte: u64) {
        self.tables.get_mut(&table.ppn().0).expect("write to a freed table")[index] = pte;
    }
}

impl UserMemory<Obj> for FakeMem {
    fn alloc_frame(&mut self) -> Option<Ppn> {
        if self.frames.len() >= self.frame_limit {
            return None;
        }
        let ppn = self.ppn();
        self.frames.insert(ppn, Frame { bytes: Box::new([0; PAGE]), refs: 1 });
        Some(Ppn(ppn))
    }
    fn share_frame(&mut self, ppn: Ppn) {
        self.frames.get_mut(&ppn.0).expect("sharing a free frame").refs += 1;
    }
    fn release_frame(&mut self, ppn: Ppn) {
        let f = self.frames.get_mut(&ppn.0).expect("double free");
        f.refs -= 1;
        if f.refs == 0 {
            self.frames.remove(&ppn.0);
        }
    }
    fn frame_refs(&self, ppn: Ppn) -> u32 {
        self.refs(ppn)
    }
    fn copy_frame(&mut self, dst: Ppn, src: Ppn) {
        let bytes = *self.frames[&src.0].bytes;
        *self.frames.get_mut(&dst.0).unwrap().bytes = bytes;
    }
    fn zero_tail(&mut self, ppn: Ppn, from: usize) {
        self.frames.get_mut(&ppn.0).unwrap().bytes[from..].fill(0);
    }
    fn write_frame(&mut self, ppn: Ppn, offset: usize, data: &[u8]) {
        self.frames.get_mut(&ppn.0).unwrap().bytes[offset..offset + data.len()].copy_from_slice(data);
    }
    fn zero_frame(&self) -> Ppn {
        self.zero
    }
    fn cache_frame(&self, ppn: Ppn) -> bool {
        self.cache.values().any(|&p| p == ppn)
    }
    fn file_page(&mut self, _: &Obj, offset: u64, _: bool) -> Result<(Ppn, bool), FaultError> {
        let index = offset / PAGE_SIZE;
        if offset >= self.store.len().next_multiple_of(PAGE) as u64 {
            return Err(FaultError::PastEnd);
        }
        let mut read_in = false;
        if !self.cache.contains_key(&index) {
            let ppn = self.alloc_frame().ok_or(FaultError::NoMemory)?;
            let start = index as usize * PAGE;
            let data = self.store[start..(start + PAGE).min(self.store.len())].to_vec();
            self.write_frame(ppn, 0, &data);
            self.cache.insert(index, ppn);
            self.reads += 1;
            read_in = true;
        }
        let ppn = self.cache[&index];
        self.share_frame(ppn);
        Ok((ppn, read_in))
    }
    fn flush_page(&mut self, asid: u16, va: VirtAddr) {
        self.flushes.push((asid, Some(va.as_u64())));
    }
    fn flush_asid(&mut self, asid: u16) {
        self.flushes.push((asid, None));
    }
    fn sync_icache(&mut self) {
        self.icache_syncs += 1;
    }
    fn swap_out(&mut self, ppn: Ppn) -> Option<SwapSlot> {
        self.with_swap(|c, m| c.swap_out(m, ppn))
    }
    fn swap_in(&mut self, slot: SwapSlot) -> Result<SwapIn, FaultError> {
        Ok(self.with_swap(|c, m| c.swap_in(m, slot))?)
    }
    fn swap_dup(&mut self, slot: SwapSlot) {
        self.with_swap(|c, m| c.dup(m, slot));
    }
    fn swap_free(&mut self, slot: SwapSlot) {
        self.with_swap(|c, m| c.free(m, slot));
    }
    fn reclaim_wanted(&self) -> usize {
        self.private_frames().saturating_sub(self.high_water)
    }
    fn reclaim_elsewhere(&mut self, want: usize) -> usize {
        self.with_swap(|c, m| c.shrink(m, want))
    }
}

fn space(mem: &mut FakeMem, asid: u16) -> Uvm<Obj> {
    Uvm::new(PageTable::new(mem).unwrap(), asid)
}

fn vma(start: u64, end: u64, perms: Perms, backing: Obj) -> Vma<Obj> {
    Vma { start, end, perms, backing }
}

/// A user access by a hart that faults on clear A/D bits (Svade): served by
/// the page table if it allows it, else through a fault, after which the
/// page table must allow it.
fn touch(s: &mut Uvm<Obj>, mem: &mut FakeMem, va: u64, access: Access) -> Result<Ppn, FaultError> {
    let allowed = |s: &Uvm<Obj>, mem: &FakeMem| {
        let pte = s.table.leaf(mem, VirtAddr::new(va).unwrap()).map(|l| l.pte);
        pte.filter(|&p| user_permits(p, access) && !lacks_ad(p, access)).map(|p| Ppn(pte_ppn(p)))
    };
    if let Some(ppn) = allowed(s, mem) {
        return Ok(ppn);
    }
    s.handle_fault(mem, va, access)?;
    Ok(allowed(s, mem).expect("the fault handler left the access faulting"))
}

fn poke(s: &mut Uvm<Obj>, mem: &mut FakeMem, va: u64, b: u8) {
    let ppn = touch(s, mem, va, Access::Write).unwrap();
    mem.write_frame(ppn, (va % PAGE_SIZE) as usize, &[b]);
}

fn peek(s: &mut Uvm<Obj>, mem: &mut FakeMem, va: u64) -> u8 {
    let ppn = touch(s, mem, va, Access::Read).unwrap();
    mem.byte(ppn, (va % PAGE_SIZE) as usize)
}

/// Frees one of several spaces: its tables go (leaks show at the last).
fn destroy_one(mut s: Uvm<Obj>, mem: &mut FakeMem) {
    let tables = mem.tables.len();
    let mut own = 1;
    s.table.update_leaves(mem, 0, 0x40_0000_0000, &mut |_, _, _| None).into_pages();
    for l1 in 0..256 {
        let pte = mem.read_pte(s.root(), l1);
        if pte & PTE_V != 0 {
            let l1_table = Ppn(pte_ppn(pte)).addr();
            own += 1 + (0..512).filter(|&i| mem.read_pte(l1_table, i) & PTE_V != 0).count();
        }
    }
    s.destroy(mem, 0..256);
    assert_eq!(mem.tables.len(), tables - own, "the space's tables went");
}

/// Frees the last space and checks that only the zero page and the cache's
/// frames (each with its one reference) are left, and no table.
fn destroy_and_check(mut s: Uvm<Obj>, mem: &mut FakeMem) {
    s.destroy(mem, 0..256);
    assert_eq!(mem.tables.len(), 0, "tables leaked");
    assert_eq!(mem.private_frames(), 0, "frames leaked");
    assert_eq!(mem.refs(mem.zero), 1, "zero page references leaked");
    assert!(mem.cache.values().all(|&p| mem.refs(p) == 1), "cache page references leaked");
}

#[test]
fn anonymous_pages_come_on_demand() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x20000, Perms::RW, ANON)).unwrap();
    assert_eq!((s.resident_pages(), mem.private_frames()), (0, 0), "nothing is allocated by map");
    assert_eq!(peek(&mut s, &mut mem, 0x10008), 0);
    assert_eq!(mem.refs(mem.zero), 2, "a read maps the zero page");
    assert_eq!(s.resident_pages(), 0, "which is not resident memory");
    poke(&mut s, &mut mem, 0x10008, 7);
    assert_eq!(mem.refs(mem.zero), 1, "the write replaced it");
    poke(&mut s, &mut mem, 0x11000, 8);
    assert_eq!((s.resident_pages(), mem.private_frames()), (2, 2));
    assert_eq!(peek(&mut s, &mut mem, 0x10008), 7);
    let st = s.stats();
    assert_eq!((st.minor_faults, st.major_faults, st.cow_copies), (3, 0, 0), "read, write over zero, write");
    assert_eq!(s.handle_fault(&mut mem, 0x20000, Access::Read), Err(FaultError::NoMapping));
    destroy_and_check(s, &mut mem);
}

#[test]
fn permissions_are_checked_against_the_vma() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x11000, Perms::R, ANON)).unwrap();
    s.map(vma(0x11000, 0x12000, Perms::W, ANON)).unwrap();
    assert_eq!(touch(&mut s, &mut mem, 0x10000, Access::Write), Err(FaultError::Denied));
    assert_eq!(touch(&mut s, &mut mem, 0x10000, Access::Execute), Err(FaultError::Denied));
    assert!(touch(&mut s, &mut mem, 0x11000, Access::Read).is_ok(), "write-only memory is readable");
    destroy_and_check(s, &mut mem);
}

#[test]
fn fork_shares_frames_until_the_first_write() {
    let mut mem = FakeMem::new();
    let mut parent = space(&mut mem, 1);
    parent.map(vma(0x10000, 0x10000 + 64 * PAGE_SIZE, Perms::RW, ANON)).unwrap();
    for i in 0..64 {
        poke(&mut parent, &mut mem, 0x10000 + i * PAGE_SIZE, i as u8);
    }
    let before = mem.frames.len();
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, false).unwrap();
    assert_eq!(mem.frames.len(), before, "fork copied no page");
    assert_eq!(child.resident_pages(), 64);
    assert_eq!(mem.flushes.last(), Some(&(1, None)), "the parent's pages turned read-only: its ASID flushed");
    for i in 0..64 {
        assert_eq!(peek(&mut child, &mut mem, 0x10000 + i * PAGE_SIZE), i as u8);
    }
    assert_eq!(child.stats().minor_faults, 0, "reading shared pages takes no fault");
    poke(&mut child, &mut mem, 0x10000 + 5 * PAGE_SIZE, 99);
    assert_eq!((child.stats().cow_copies, mem.frames.len()), (1, before + 1), "one write, one copy");
    assert_eq!(peek(&mut parent, &mut mem, 0x10000 + 5 * PAGE_SIZE), 5, "the parent's page is unchanged");
    destroy_one(child, &mut mem);
    poke(&mut parent, &mut mem, 0x10000 + 6 * PAGE_SIZE, 66);
    assert_eq!(parent.stats().cow_copies, 0, "the last holder just gets its page back writable");
    assert_eq!(mem.frames.len(), before, "and no frame is allocated for it");
    destroy_and_check(parent, &mut mem);
}

#[test]
fn eager_fork_copies_private_pages_at_once() {
    let mut mem = FakeMem::new();
    let mut parent = space(&mut mem, 1);
    parent.map(vma(0x10000, 0x14000, Perms::RW, ANON)).unwrap();
    for i in 0..4 {
        poke(&mut parent, &mut mem, 0x10000 + i * PAGE_SIZE, 1);
    }
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, true).unwrap();
    assert_eq!(mem.private_frames(), 8);
    poke(&mut child, &mut mem, 0x10000, 2);
    poke(&mut parent, &mut mem, 0x10000, 3);
    assert_eq!((child.stats().cow_copies, parent.stats().minor_faults), (0, 4), "no fault after an eager fork");
    destroy_one(child, &mut mem);
    destroy_and_check(parent, &mut mem);
}

#[test]
fn shared_mappings_stay_shared_across_fork() {
    let mut mem = FakeMem::new();
    let mut parent = space(&mut mem, 1);
    parent.map(vma(0x40000, 0x42000, Perms::RW, file(0, true))).unwrap();
    poke(&mut parent, &mut mem, 0x40010, 0xaa);
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, false).unwrap();
    poke(&mut child, &mut mem, 0x40020, 0xbb);
    assert_eq!(peek(&mut parent, &mut mem, 0x40020), 0xbb, "the child's write shows in the parent");
    assert_eq!(mem.byte(mem.cache[&0], 0x10), 0xaa, "and both write the file's page");
    assert_eq!(child.stats().cow_copies, 0);
    destroy_one(child, &mut mem);
    destroy_and_check(parent, &mut mem);
}

#[test]
fn private_file_pages_are_the_cache_until_written() {
    let mut mem = FakeMem::new();
    let mut a = space(&mut mem, 1);
    let mut b = space(&mut mem, 2);
    for s in [&mut a, &mut b] {
        s.map(vma(0x10000, 0x13000, Perms::RW, file(0, false))).unwrap();
    }
    assert_eq!(peek(&mut a, &mut mem, 0x11000), 0x11);
    assert_eq!(a.stats().major_faults, 1, "the first process reads the file");
    assert_eq!(peek(&mut b, &mut mem, 0x11000), 0x11);
    assert_eq!((b.stats().major_faults, b.stats().minor_faults), (0, 1), "the second finds it cached");
    let pa = |s: &Uvm<Obj>, mem: &FakeMem| s.translate(mem, 0x11000).unwrap();
    assert_eq!(pa(&a, &mem), pa(&b, &mem), "both map the one frame");
    assert_eq!(pa(&a, &mem).ppn(), mem.cache[&1]);
    poke(&mut a, &mut mem, 0x11000, 0xff);
    assert_eq!(a.stats().cow_copies, 1);
    assert_eq!((peek(&mut b, &mut mem, 0x11000), mem.byte(mem.cache[&1], 0)), (0x11, 0x11), "the file is untouched");
    poke(&mut b, &mut mem, 0x12000, 1);
    assert_eq!(b.stats().cow_copies, 1, "a first write to a file page copies it at once");
    assert_eq!(mem.reads, 2);
    destroy_one(a, &mut mem);
    destroy_and_check(b, &mut mem);
}

#[test]
fn bytes_past_a_segments_file_end_read_as_zero() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    let data = Obj { zero_from: Some(PAGE_SIZE + 0x800), ..file(0, false) };
    s.map(vma(0x10000, 0x12000, Perms::RW, data)).unwrap();
    assert_eq!(peek(&mut s, &mut mem, 0x107ff), 0x10, "a whole page before the end: the cache's");
    assert_eq!((peek(&mut s, &mut mem, 0x117ff), peek(&mut s, &mut mem, 0x11800)), (0x11, 0));
    assert_eq!(mem.byte(mem.cache[&1], 0x800), 0x11, "the cache keeps the file's bytes");
    assert_eq!(s.stats().cow_copies, 0, "zeroing is not a copy-on-write");
    destroy_and_check(s, &mut mem);
}

#[test]
fn file_pages_past_the_end_are_an_error() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x16000, Perms::R, file(0, true))).unwrap();
    assert_eq!(peek(&mut s, &mut mem, 0x13000), 0x13, "the partial last page maps");
    assert_eq!(touch(&mut s, &mut mem, 0x14000, Access::Read), Err(FaultError::PastEnd));
    destroy_and_check(s, &mut mem);
}

#[test]
fn munmap_of_a_middle_range_frees_its_pages_and_tables() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x10000 + (4 << 20), Perms::RW, ANON)).unwrap();
    for va in [0x10000, 0x210000, 0x211000, 0x40f000] {
        poke(&mut s, &mut mem, va, 1);
    }
    let tables = mem.tables.len();
    let removed = s.unmap(&mut mem, 0x200000, 0x400000);
    assert_eq!(removed.len(), 1);
    assert_eq!(s.vmas().len(), 2);
    assert_eq!((s.resident_pages(), mem.private_frames()), (2, 2));
    assert_eq!(mem.tables.len(), tables - 1, "the emptied level-0 table went");
    assert_eq!(touch(&mut s, &mut mem, 0x210000, Access::Read), Err(FaultError::NoMapping));
    assert_eq!(peek(&mut s, &mut mem, 0x40f000), 1);
    destroy_and_check(s, &mut mem);
}

#[test]
fn mprotect_changes_mapped_pages_and_keeps_their_data() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x14000, Perms::RW, ANON)).unwrap();
    poke(&mut s, &mut mem, 0x11000, 42);
    s.protect(&mut mem, 0x11000, 0x12000, Perms::NONE).unwrap();
    assert_eq!(s.vmas().len(), 3);
    assert_eq!(touch(&mut s, &mut mem, 0x11000, Access::Read), Err(FaultError::Denied));
    let pte = s.table.leaf(&mem, VirtAddr::new(0x11000).unwrap()).unwrap().pte;
    assert_eq!(pte & PTE_U, 0, "PROT_NONE keeps the frame where the user cannot reach it");
    s.protect(&mut mem, 0x11000, 0x12000, Perms::R).unwrap();
    assert_eq!(peek(&mut s, &mut mem, 0x11000), 42);
    assert_eq!(touch(&mut s, &mut mem, 0x11000, Access::Write), Err(FaultError::Denied));
    s.protect(&mut mem, 0x11000, 0x12000, Perms::RW).unwrap();
    assert_eq!(s.vmas().len(), 1, "merged back into one mapping");
    poke(&mut s, &mut mem, 0x11000, 43);
    assert_eq!(s.protect(&mut mem, 0x13000, 0x15000, Perms::R), Err(FaultError::NoMapping), "a hole");
    destroy_and_check(s, &mut mem);
}

#[test]
fn mprotect_write_keeps_shared_pages_copy_on_write() {
    let mut mem = FakeMem::new();
    let mut parent = space(&mut mem, 1);
    parent.map(vma(0x10000, 0x11000, Perms::R, file(0, false))).unwrap();
    assert_eq!(peek(&mut parent, &mut mem, 0x10000), 0x10);
    parent.protect(&mut mem, 0x10000, 0x11000, Perms::RW).unwrap();
    poke(&mut parent, &mut mem, 0x10000, 1);
    assert_eq!(mem.byte(mem.cache[&0], 0), 0x10, "the cache page was copied, not written");
    destroy_and_check(parent, &mut mem);
}

#[test]
fn move_range_takes_the_pages_along() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x18000, Perms::RW, ANON)).unwrap();
    poke(&mut s, &mut mem, 0x11000, 5);
    poke(&mut s, &mut mem, 0x17fff, 6);
    let frames = mem.frames.len();
    s.move_range(&mut mem, 0x11000, 0x7000, 0x5000_0000).unwrap();
    assert_eq!(mem.frames.len(), frames, "moved, not copied");
    assert_eq!((peek(&mut s, &mut mem, 0x5000_0000), peek(&mut s, &mut mem, 0x5000_6fff)), (5, 6));
    assert_eq!(touch(&mut s, &mut mem, 0x11000, Access::Read), Err(FaultError::NoMapping));
    assert_eq!(
        s.vmas().iter().map(|v| (v.start, v.end)).collect::<Vec<_>>(),
        [(0x10000, 0x11000), (0x5000_0000, 0x5000_7000)]
    );
    assert_eq!(s.resident_pages(), 2);
    destroy_and_check(s, &mut mem);
}

#[test]
fn the_stack_grows_down_to_its_limit_then_the_guard_faults() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    let top = 0x40_0000_0000 - PAGE_SIZE;
    s.set_stack_limit(StackLimit { top, max: 8 << 20, gap: 1 << 20 });
    let stack = Obj { stack: true, ..ANON };
    s.map(vma(top - 0x20000, top, Perms::RW, stack)).unwrap();
    poke(&mut s, &mut mem, top - 0x100000, 1);
    assert_eq!(s.vmas().find(top - 0x100000).unwrap().start, top - 0x100000, "grown to the page touched");
    poke(&mut s, &mut mem, top - (8 << 20), 2);
    assert_eq!(touch(&mut s, &mut mem, top - (8 << 20) - 1, Access::Write), Err(FaultError::Guard));
    assert_eq!(touch(&mut s, &mut mem, top - (10 << 20), Access::Write), Err(FaultError::NoMapping));
    assert_eq!(touch(&mut s, &mut mem, top, Access::Write), Err(FaultError::NoMapping), "above the top");
    destroy_and_check(s, &mut mem);
}

#[test]
fn the_stack_keeps_its_gap_from_a_mapping_below() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    let top = 0x100_0000;
    s.set_stack_limit(StackLimit { top, max: 8 << 20, gap: 1 << 20 });
    s.map(vma(top - 0x10000, top, Perms::RW, Obj { stack: true, ..ANON })).unwrap();
    s.map(vma(top - (4 << 20), top - (3 << 20), Perms::RW, ANON)).unwrap();
    poke(&mut s, &mut mem, top - (2 << 20), 1);
    assert_eq!(touch(&mut s, &mut mem, top - (2 << 20) - PAGE_SIZE, Access::Write), Err(FaultError::Guard));
    destroy_and_check(s, &mut mem);
}

#[test]
fn kernel_writes_fault_pages_in_and_madvise_drops_them() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x14000, Perms::RW, ANON)).unwrap();
    s.write(&mut mem, 0x10ffe, b"abcd").unwrap();
    assert_eq!((peek(&mut s, &mut mem, 0x10fff), peek(&mut s, &mut mem, 0x11000)), (b'b', b'c'));
    assert_eq!(s.stats().minor_faults, 2, "the kernel's faults count for the process");
    s.discard(&mut mem, 0x10000, 0x14000);
    assert_eq!((s.resident_pages(), mem.private_frames()), (0, 0));
    assert_eq!(peek(&mut s, &mut mem, 0x10fff), 0, "dropped anonymous memory reads as zero");
    s.map(vma(0x20000, 0x21000, Perms::R, ANON)).unwrap();
    assert_eq!(s.write(&mut mem, 0x20000, b"x"), Err(FaultError::Denied));
    destroy_and_check(s, &mut mem);
}

#[test]
fn out_of_memory_is_an_error_and_leaks_nothing() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x20000, Perms::RW, ANON)).unwrap();
    s.map(vma(0x30000, 0x31000, Perms::R, file(0, false))).unwrap();
    poke(&mut s, &mut mem, 0x10000, 1);
    mem.frame_limit = mem.frames.len();
    assert_eq!(touch(&mut s, &mut mem, 0x11000, Access::Write), Err(FaultError::NoMemory));
    assert_eq!(touch(&mut s, &mut mem, 0x30000, Access::Read), Err(FaultError::NoMemory));
    let mut child = space(&mut mem, 2);
    s.fork_into(&mut mem, &mut child, true).unwrap_err();
    destroy_one(child, &mut mem);
    mem.frame_limit = usize::MAX;
    destroy_and_check(s, &mut mem);
}

#[test]
fn resident_count_matches_the_page_table() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x30000, Perms::RW, ANON)).unwrap();
    for i in 0..32u64 {
        let va = 0x10000 + i * PAGE_SIZE;
        if i % 3 == 0 {
            poke(&mut s, &mut mem, va, 1);
        } else {
            peek(&mut s, &mut mem, va);
        }
    }
    s.unmap(&mut mem, 0x14000, 0x18000);
    let zero = mem.zero;
    let mut counted = 0;
    s.for_each_page(&mut mem, &mut |_, _, pte| counted += (Ppn(pte_ppn(pte)) != zero) as usize);
    assert_eq!(counted, s.resident_pages());
    assert_eq!(s.peak_resident_pages(), 11);
    destroy_and_check(s, &mut mem);
}

#[test]
fn code_pages_are_synced_with_the_instruction_stream() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x12000, Perms::RX, file(0, false))).unwrap();
    s.map(vma(0x20000, 0x21000, Perms::RW, ANON)).unwrap();
    poke(&mut s, &mut mem, 0x20000, 1);
    assert_eq!(mem.icache_syncs, 0, "data pages need no fence.i");
    touch(&mut s, &mut mem, 0x10000, Access::Execute).unwrap();
    touch(&mut s, &mut mem, 0x11000, Access::Read).unwrap();
    assert_eq!(mem.icache_syncs, 2, "every executable page mapped, however it was touched");
    destroy_and_check(s, &mut mem);
}

#[test]
fn leaf_flags_follow_the_vma() {
    assert_eq!(leaf_flags(Perms::RW, false), PTE_U | PTE_R | PTE_W);
    assert_eq!(leaf_flags(Perms::RW, true), PTE_U | PTE_R | PTE_COW);
    assert_eq!(leaf_flags(Perms::W, false), PTE_U | PTE_R | PTE_W, "W alone is reserved: R added");
    assert_eq!(leaf_flags(Perms::X, false), PTE_U | PTE_X);
    assert_eq!(leaf_flags(Perms::NONE, true), PTE_R | PTE_COW);
    assert!(!user_permits(leaf_pte(Ppn(1), leaf_flags(Perms::NONE, false)), Access::Read));
    assert!(user_permits(leaf_pte(Ppn(1), leaf_flags(Perms::RX, false)), Access::Execute));
    let _ = vec![0u8; 0];
}

/// The hart's A update (QEMU, `--ad update`): an access sets A in the leaf.
fn hart_touch(s: &mut Uvm<Obj>, mem: &mut FakeMem, va: u64) {
    let page = va & !(PAGE_SIZE - 1);
    s.table.update_leaves(mem, page, page + PAGE_SIZE, &mut |_, _, pte| Some(pte | PTE_A)).into_pages();
}

fn swapping_space(mem: &mut FakeMem, pages: u64) -> Uvm<Obj> {
    let mut s = space(mem, 1);
    s.map(vma(0x10000, 0x10000 + pages * PAGE_SIZE, Perms::RW, ANON)).unwrap();
    for i in 0..pages {
        poke(&mut s, mem, 0x10000 + i * PAGE_SIZE, 0x40 + i as u8);
    }
    s
}

#[test]
fn the_clock_gives_accessed_pages_a_second_chance() {
    let mut mem = FakeMem::new();
    let mut s = swapping_space(&mut mem, 8);
    let flushes = mem.flushes.len();
    assert_eq!(s.reclaim(&mut mem, 8, 8), 0, "every new page has A set: the first pass only clears it");
    let flushed: Vec<_> = mem.flushes[flushes..].to_vec();
    let pages: Vec<_> = (0..8).map(|i| (1, Some(0x10000 + i * PAGE_SIZE))).collect();
    assert_eq!(flushed, pages, "each cleared A bit is flushed from the TLB, after the scan");
    hart_touch(&mut s, &mut mem, 0x10000 + 2 * PAGE_SIZE);
    assert_eq!(s.reclaim(&mut mem, 8, 16), 7, "the page touched since stays");
    assert_eq!((s.resident_pages(), s.swapped_pages(), mem.private_frames()), (1, 7, 1));
    assert_eq!((mem.swap_writes, mem.slots.len()), (7, 7));
    let leaf = s.table.leaf(&mem, VirtAddr::new(0x10000 + 2 * PAGE_SIZE).unwrap()).unwrap();
    assert_eq!(leaf.pte & PTE_A, 0, "it lost its A bit for the next pass");
    destroy_and_check(s, &mut mem);
    assert!(mem.slots.is_empty(), "exit frees the slots");
}

#[test]
fn swapped_pages_come_back_on_a_major_fault() {
    let mut mem = FakeMem::new();
    let mut s = swapping_space(&mut mem, 4);
    s.reclaim(&mut mem, 4, 4);
    assert_eq!(s.reclaim(&mut mem, 4, 4), 4);
    let pte = s.table.entry(&mem, VirtAddr::new(0x11000).unwrap());
    assert_eq!(pte & PTE_V, 0, "a swapped page's PTE is invalid");
    assert!(swapped_slot(pte).is_some(), "and names its slot");
    let before = s.stats();
    for i in 0..4 {
        assert_eq!(peek(&mut s, &mut mem, 0x10000 + i * PAGE_SIZE), 0x40 + i as u8);
    }
    assert_eq!(s.stats().major_faults - before.major_faults, 4);
    assert_eq!((mem.swap_reads, s.swapped_pages(), s.resident_pages()), (4, 0, 4));
    assert!(mem.slots.is_empty() && mem.swap_cache.is_empty(), "a page read back by its only PTE frees its slot");
    poke(&mut s, &mut mem, 0x10000, 1);
    assert_eq!(s.stats().cow_copies, before.cow_copies, "and is its own: written in place");
    destroy_and_check(s, &mut mem);
}

#[test]
fn a_page_shared_by_fork_goes_to_one_slot_and_comes_back_shared() {
    let mut mem = FakeMem::new();
    let mut parent = swapping_space(&mut mem, 1);
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, false).unwrap();
    for s in [&mut parent, &mut child] {
        s.reclaim(&mut mem, 1, 1);
        assert_eq!(s.reclaim(&mut mem, 1, 1), 1);
    }
    assert_eq!((mem.swap_writes, mem.slots.len(), mem.private_frames()), (1, 1, 0), "written once, freed");
    assert_eq!(peek(&mut child, &mut mem, 0x10000), 0x40);
    assert_eq!(mem.swap_reads, 1);
    assert_eq!(peek(&mut parent, &mut mem, 0x10000), 0x40);
    assert_eq!(mem.swap_reads, 1, "the parent found it in the swap cache");
    assert_eq!((parent.stats().major_faults, parent.stats().minor_faults > 0), (0, true));
    let ppn = |s: &Uvm<Obj>, mem: &FakeMem| s.translate(mem, 0x10000).unwrap().ppn();
    assert_eq!(ppn(&parent, &mem), ppn(&child, &mem), "one frame again, for both");
    assert!(mem.slots.is_empty() && mem.swap_cache.is_empty(), "no PTE names the slot now");
    poke(&mut parent, &mut mem, 0x10000, 7);
    assert_eq!(peek(&mut child, &mut mem, 0x10000), 0x40, "still copy-on-write");
    destroy_one(child, &mut mem);
    destroy_and_check(parent, &mut mem);
}

#[test]
fn fork_and_unmap_keep_the_slot_holds() {
    let mut mem = FakeMem::new();
    let mut parent = swapping_space(&mut mem, 2);
    parent.reclaim(&mut mem, 2, 2);
    parent.reclaim(&mut mem, 2, 2);
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, false).unwrap();
    assert_eq!(child.swapped_pages(), 2);
    assert!(mem.slots.values().all(|h| h.0 == 2), "each slot named by both");
    parent.unmap(&mut mem, 0x10000, 0x12000);
    assert_eq!(parent.swapped_pages(), 0);
    assert!(mem.slots.values().all(|h| h.0 == 1));
    child.move_range(&mut mem, 0x10000, 2 * PAGE_SIZE, 0x40000).unwrap();
    child.map(vma(0x10000, 0x12000, Perms::RW, ANON)).unwrap();
    assert_eq!(peek(&mut child, &mut mem, 0x41000), 0x41, "mremap moved the swap entries");
    assert_eq!(peek(&mut child, &mut mem, 0x11000), 0, "and left nothing behind");
    destroy_one(parent, &mut mem);
    destroy_and_check(child, &mut mem);
    assert!(mem.slots.is_empty());
}

#[test]
fn a_full_swap_stops_the_clock_and_loses_nothing() {
    let mut mem = FakeMem::new();
    mem.slot_limit = 2;
    let mut s = swapping_space(&mut mem, 4);
    s.reclaim(&mut mem, 4, 4);
    assert_eq!(s.reclaim(&mut mem, 4, 4), 2);
    assert_eq!((s.resident_pages(), s.swapped_pages()), (2, 2));
    for i in 0..4 {
        assert_eq!(peek(&mut s, &mut mem, 0x10000 + i * PAGE_SIZE), 0x40 + i as u8);
    }
    destroy_and_check(s, &mut mem);
}

#[test]
fn a_fault_reclaims_first_when_frames_run_low() {
    let mut mem = FakeMem::new();
    let mut s = swapping_space(&mut mem, 6);
    s.reclaim(&mut mem, 6, 6);
    mem.high_water = 4;
    s.map(vma(0x80000, 0x81000, Perms::RW, ANON)).unwrap();
    poke(&mut s, &mut mem, 0x80000, 1);
    assert_eq!(s.swapped_pages(), 2, "the fault made room first");
    destroy_and_check(s, &mut mem);
}

#[test]
fn a_svade_fault_on_a_cleared_a_bit_sets_it() {
    let mut mem = FakeMem::new();
    let mut s = swapping_space(&mut mem, 1);
    s.reclaim(&mut mem, 1, 1);
    let before = s.stats().minor_faults;
    assert_eq!(peek(&mut s, &mut mem, 0x10000), 0x40);
    assert_eq!(s.stats().minor_faults, before + 1, "the hart faulted on A = 0");
    let leaf = s.table.leaf(&mem, VirtAddr::new(0x10000).unwrap()).unwrap();
    assert_eq!(leaf.pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert_eq!(s.reclaim(&mut mem, 1, 1), 0, "so the clock passes it over once more");
    destroy_and_check(s, &mut mem);
}

#[test]
fn swapoff_brings_an_areas_pages_back() {
    let mut mem = FakeMem::new();
    let mut parent = swapping_space(&mut mem, 3);
    parent.reclaim(&mut mem, 3, 3);
    parent.reclaim(&mut mem, 3, 3);
    let mut child = space(&mut mem, 2);
    parent.fork_into(&mut mem, &mut child, false).unwrap();
    assert_eq!(parent.swap_in_area(&mut mem, 1), Ok(0), "nothing of another area");
    assert_eq!(parent.swap_in_area(&mut mem, 0), Ok(3));
    assert_eq!(child.swap_in_area(&mut mem, 0), Ok(3));
    assert!(mem.slots.is_empty() && mem.swap_cache.is_empty(), "every slot is free again");
    assert_eq!(mem.swap_reads, 3, "each page read once, shared by both");
    assert_eq!(peek(&mut child, &mut mem, 0x12000), 0x42);
    destroy_one(child, &mut mem);
    destroy_and_check(parent, &mut mem);
}

#[test]
fn the_clock_unmaps_cache_pages_and_swaps_private_copies() {
    let mut mem = FakeMem::new();
    let mut s = space(&mut mem, 1);
    s.map(vma(0x10000, 0x12000, Perms::RW, file(0, true))).unwrap();
    s.map(vma(0x20000, 0x22000, Perms::RW, file(0, false))).unwrap();
    assert_eq!(peek(&mut s, &mut mem, 0x10000), 0x10);
    poke(&mut s, &mut mem, 0x11000, 0xaa);
    assert_eq!(peek(&mut s, &mut mem, 0x20000), 0x10, "a private file page still the cache's");
    poke(&mut s, &mut mem, 0x21000, 0xbb);
    assert_eq!((s.resident_pages(), mem.private_frames()), (4, 1), "one private copy");
    s.reclaim(&mut mem, 4, 64);
    assert_eq!(s.reclaim(&mut mem, 4, 64), 4);
    assert_eq!((s.resident_pages(), s.swapped_pages()), (0, 1), "three cache pages unmapped, the copy swapped");
    assert_eq!((mem.swap_writes, mem.private_frames()), (1, 0));
    for va in [0x10000, 0x11000, 0x20000] {
        assert_eq!(s.table.entry(&mem, VirtAddr::new(va).unwrap()), 0, "unmapped, no swap entry: the cache has it");
    }
    let minor = s.stats().minor_faults;
    assert_eq!(peek(&mut s, &mut mem, 0x11000), 0xaa, "the shared write is in the cache");
    assert_eq!(peek(&mut s, &mut mem, 0x21000), 0xbb, "the private copy came back from swap");
    assert_eq!(s.stats().minor_faults - minor, 1, "the cache page was a minor fault");
    assert_eq!(mem.reads, 2, "and not read from the file again");
    destroy_and_check(s, &mut mem);
}
