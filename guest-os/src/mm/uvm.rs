//! User virtual memory: one address space as VMAs plus the Sv39 page table
//! that caches them, filled on demand.
//!
//! Nothing is mapped until touched. A fault inside a VMA that allows the
//! access is resolved here ([`Uvm::handle_fault`]): anonymous memory maps the
//! shared zero page on a read and a fresh zeroed frame on a write; a file
//! mapping maps the page-cache frame (read in from the file's store first: a
//! major fault). Private pages that may be shared (the zero page, a cache
//! page, anything after fork) are read-only and marked [`PTE_COW`]; the
//! first write copies the frame, or just makes it writable when this space
//! holds the last reference. Shared mappings map the cache frames writable.
//!
//! Under memory pressure [`Uvm::reclaim`] runs the clock (second chance)
//! over the private anonymous pages: a page accessed since the last pass
//! (A set by the hart, or by the fault that found A clear) loses its A bit
//! and stays; one that was not goes to swap, its PTE replaced by a software
//! entry naming the slot ([`swap_entry`]). Touching it again is a major
//! fault that reads it back ([`UserMemory::swap_in`]).
//!
//! Invariants: every leaf lies in a VMA and holds one reference to its
//! frame, every swap entry one hold on its slot; a leaf's flags are
//! [`leaf_flags`] of the VMA's permissions (W taken away while COW); A is
//! set on every new leaf and D on writable ones, so a hart that faults on
//! clear A/D bits (Svade) faults only after the clock cleared A; every
//! change to a leaf is followed by its `sfence.vma` (the flush tokens of
//! page_table.rs).
//!
//! Generic over the backing `B` and over [`UserMemory`] (frames, file
//! pages, TLB flushes), so the kernel runs it on RAM and the host tests on
//! a fake memory that checks every reference.

use super::page_table::{Flush, FlushRange, PageSize, PageTable, TableMemory};
pub use super::swap_cache::{SwapIn, SwapInError, SwapSlot};
use super::vma::{Backing, Perms, Vma, VmaError, VmaSet};
use alloc::vec::Vec;
use sv39_arch::pte::{make_pte, pte_ppn, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X};
use sv39_arch::sv39::{level_size, PAGE_SIZE};
use sv39_arch::{PhysAddr, Ppn, VirtAddr};

/// Software PTE bit (RSW, bit 8): a private page whose frame may be shared,
/// kept read-only; the first write copies it.
pub const PTE_COW: u64 = 1 << 8;
/// Software PTE bit (RSW, bit 9) of an entry with V = 0: the page is in
/// the swap slot held in the PPN field. With V = 0 the MMU ignores every
/// other bit (privileged spec 4.3.1), so the entry costs no memory.
pub const PTE_SWAP: u64 = 1 << 9;
/// The bits of a leaf this module sets (V, A and D are added by the table).
const LEAF_FLAGS: u64 = PTE_R | PTE_W | PTE_X | PTE_U | PTE_COW;
const PAGE: usize = PAGE_SIZE as usize;

/// The kind of access that faulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Execute,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::Read => "load",
            Access::Write => "store",
            Access::Execute => "fetch",
        }
    }

    /// Whether a mapping with `perms` allows this access (a write-only
    /// mapping is readable: RISC-V has no write-only pages).
    pub fn allowed_by(self, perms: Perms) -> bool {
        match self {
            Access::Read => perms.allows(Perms::R) || perms.allows(Perms::W),
            Access::Write => perms.allows(Perms::W),
            Access::Execute => perms.allows(Perms::X),
        }
    }

    fn pte_bit(self) -> u64 {
        match self {
            Access::Read => PTE_R,
            Access::Write => PTE_W,
            Access::Execute => PTE_X,
        }
    }
}

/// The flags of a leaf in a VMA with `perms`; `cow` takes W away and marks
/// the page copy-on-write. `PROT_NONE` keeps the frame under a leaf that
/// user mode cannot use (R without U).
pub fn leaf_flags(perms: Perms, cow: bool) -> u64 {
    let cow_bit = if cow { PTE_COW } else { 0 };
    if perms == Perms::NONE {
        return PTE_R | cow_bit;
    }
    let mut f = PTE_U | cow_bit;
    if perms.allows(Perms::R) || perms.allows(Perms::W) {
        f |= PTE_R;
    }
    if perms.allows(Perms::W) && !cow {
        f |= PTE_W;
    }
    if perms.allows(Perms::X) {
        f |= PTE_X;
    }
    f
}

/// Whether user mode may make `access` through leaf `pte`.
pub fn user_permits(pte: u64, access: Access) -> bool {
    pte & PTE_V != 0 && pte & PTE_U != 0 && pte & access.pte_bit() != 0
}

/// The software entry of a page that went to `slot`.
pub fn swap_entry(slot: SwapSlot) -> u64 {
    make_pte(slot.bits() << 12, PTE_SWAP)
}

/// The slot a software entry names, if `pte` is one.
pub fn swapped_slot(pte: u64) -> Option<SwapSlot> {
    (pte & PTE_V == 0 && pte & PTE_SWAP != 0).then(|| SwapSlot::from_bits(pte_ppn(pte)))
}

/// Whether a leaf that permits `access` still needs its A (or, for a
/// store, D) bit set: on a hart that faults rather than set them (Svade,
/// privileged spec 4.3.1), after the clock cleared A.
fn lacks_ad(pte: u64, access: Access) -> bool {
    pte & PTE_A == 0 || (access == Access::Write && pte & PTE_D == 0)
}

/// The full leaf entry for `ppn` with `flags` (as `PageTable::map` writes it).
fn leaf_pte(ppn: Ppn, flags: u64) -> u64 {
    let ad = if flags & PTE_W != 0 { PTE_A | PTE_D } else { PTE_A };
    make_pte(ppn.addr().as_u64(), flags | ad | PTE_V)
}

/// Why a fault (or a request to touch user memory) could not be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultError {
    /// No mapping holds the address (SEGV_MAPERR).
    NoMapping,
    /// The address is in the guard gap below the stack (SEGV_MAPERR).
    Guard,
    /// The mapping forbids the access (SEGV_ACCERR).
    Denied,
    /// A file mapping's page lies past the end of the file (SIGBUS).
    PastEnd,
    NoMemory,
    /// The page's swap slot could not be read (SIGBUS, as Linux).
    SwapIo,
}

impl From<SwapInError> for FaultError {
    fn from(e: SwapInError) -> FaultError {
        match e {
            SwapInError::NoMemory => FaultError::NoMemory,
            SwapInError::Io => FaultError::SwapIo,
        }
    }
}

/// How a fault was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Without reading a file: zero fill, a cached page, a copy.
    Minor,
    /// A file page had to be read in, or a page from swap.
    Major,
    /// The page table already allowed the access (a stale TLB entry).
    Spurious,
}

/// What an address space needs from the kernel: frames with reference
/// counts, the pages of files, and TLB flushes.
pub trait UserMemory<B>: TableMemory {
    /// A zero-filled frame with one reference.
    fn alloc_frame(&mut self) -> Option<Ppn>;
    /// Takes another reference to `ppn`.
    fn share_frame(&mut self, ppn: Ppn);
    /// Drops a reference to `ppn` (freeing it with the last).
    fn release_frame(&mut self, ppn: Ppn);
    /// References to `ppn`.
    fn frame_refs(&self, ppn: Ppn) -> u32;
    fn copy_frame(&mut self, dst: Ppn, src: Ppn);
    /// Zeroes the bytes of `ppn` from `from` to its end.
    fn zero_tail(&mut self, ppn: Ppn, from: usize);
    fn write_frame(&mut self, ppn: Ppn, offset: usize, data: &[u8]);
    /// The frame of zeros that anonymous reads map (never written).
    fn zero_frame(&self) -> Ppn;
    /// The page-cache frame at file offset `offset` of the file behind
    /// `backing`, with a reference for the caller, and whether it had to be
    /// read in; `writable` for a shared writable mapping (the page counts
    /// as dirty). Only `PastEnd` and `NoMemory` are expected.
    fn file_page(&mut self, backing: &B, offset: u64, writable: bool) -> Result<(Ppn, bool), FaultError>;
    /// Whether `ppn` is a page cache's frame (not a private page).
    fn cache_frame(&self, ppn: Ppn) -> bool;
    /// `sfence.vma va, asid`.
    fn flush_page(&mut self, asid: u16, va: VirtAddr);
    /// `sfence.vma zero, asid`.
    fn flush_asid(&mut self, asid: u16);
    /// `fence.i`: instructions fetched from now on see what was written
    /// (after a frame the kernel filled becomes executable).
    fn sync_icache(&mut self);
    /// A PTE gives up `ppn` (and its reference to it) for a swap slot,
    /// which it then holds; None when swap is off or full (it keeps `ppn`).
    fn swap_out(&mut self, ppn: Ppn) -> Option<SwapSlot>;
    /// A swap entry gets its page back (giving up its hold on `slot`).
    fn swap_in(&mut self, slot: SwapSlot) -> Result<SwapIn, FaultError>;
    /// Another swap entry names `slot` (fork).
    fn swap_dup(&mut self, slot: SwapSlot);
    /// A swap entry naming `slot` is gone.
    fn swap_free(&mut self, slot: SwapSlot);
    /// Pages to reclaim before a fault takes a frame: 0 unless free frames
    /// are under the low watermark and swap has room.
    fn reclaim_wanted(&self) -> usize;
    /// Reclaims up to `want` pages outside the faulting space (the other
    /// spaces, cached swap pages); how many it freed.
    fn reclaim_elsewhere(&mut self, want: usize) -> usize;
}

/// Fault and copy counters (getrusage, /proc/<pid>/stat and status).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmStats {
    pub minor_faults: u64,
    pub major_faults: u64,
    /// Pages copied on a write to a copy-on-write page.
    pub cow_copies: u64,
}

impl VmStats {
    pub fn add(&mut self, other: VmStats) {
        self.minor_faults += other.minor_faults;
        self.major_faults += other.major_faults;
        self.cow_copies += other.cow_copies;
    }
}

/// How far the stack may grow down: from `top` at most `max` bytes, and
/// never within `gap` bytes of the mapping below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackLimit {
    pub top: u64,
    pub max: u64,
    pub gap: u64,
}

/// Rounds of reclaim at most before one fault goes on.
const MAX_RECLAIM_ROUNDS: usize = 16;
/// Pages of address space one reclaim call looks at in a space at most
/// (four level-0 tables): the clock goes round in steps of bounded cost.
pub const RECLAIM_SCAN_PAGES: usize = 2048;

/// Bytes moved at a time by `move_range` (one level-0 table's worth).
const MOVE_CHUNK: u64 = 2 << 20;

fn uva(x: u64) -> Result<VirtAddr, FaultError> {
    VirtAddr::new(x).map_err(|_| FaultError::NoMapping)
}

/// A user address space.
pub struct Uvm<B> {
    table: PageTable,
    vmas: VmaSet<B>,
    asid: u16,
    stack: Option<StackLimit>,
    stats: VmStats,
    /// Pages mapped (the zero page not counted), and the most ever.
    resident: usize,
    peak: usize,
    /// Pages out in swap (software entries).
    swapped: usize,
    /// Where the reclaim clock's hand stopped.
    clock: u64,
}

impl<B: Backing> Uvm<B> {
    /// An empty space over `table` (whose user half is empty), tagged `asid`.
    pub fn new(table: PageTable, asid: u16) -> Uvm<B> {
        let stats = VmStats::default();
        Uvm { table, vmas: VmaSet::new(), asid, stack: None, stats, resident: 0, peak: 0, swapped: 0, clock: 0 }
    }

    pub fn root(&self) -> PhysAddr {
        self.table.root()
    }

    pub fn asid(&self) -> u16 {
        self.asid
    }

    pub fn vmas(&self) -> &VmaSet<B> {
        &self.vmas
    }

    pub fn stats(&self) -> VmStats {
        self.stats
    }

    /// Adds counts gathered elsewhere (by the program this one replaced).
    pub fn add_stats(&mut self, other: VmStats) {
        self.stats.add(other);
    }

    pub fn resident_pages(&self) -> usize {
        self.resident
    }

    pub fn peak_resident_pages(&self) -> usize {
        self.peak
    }

    /// Pages of this space out in swap (VmSwap).
    pub fn swapped_pages(&self) -> usize {
        self.swapped
    }

    pub fn set_stack_limit(&mut self, limit: StackLimit) {
        self.stack = Some(limit);
    }

    pub fn stack_limit(&self) -> Option<StackLimit> {
        self.stack
    }

    fn add_resident(&mut self, n: usize) {
        self.resident += n;
        self.peak = self.peak.max(self.resident);
    }

    fn spend(&self, mem: &mut impl UserMemory<B>, f: Flush) {
        mem.flush_page(self.asid, f.into_va());
    }

    fn spend_range(&self, mem: &mut impl UserMemory<B>, f: FlushRange) {
        match f.into_pages() {
            Some(pages) => pages.into_iter().for_each(|va| mem.flush_page(self.asid, va)),
            None => mem.flush_asid(self.asid),
        }
    }

    /// Adds a mapping over free addresses; its pages come on demand.
    pub fn map(&mut self, vma: Vma<B>) -> Result<(), VmaError> {
        let (start, end) = (vma.start, vma.end);
        self.vmas.insert(vma)?;
        self.vmas.merge_around(start, end);
        Ok(())
    }

    /// Moves the end of the mapping at `start` to `new_end` (into free
    /// space when growing; pages past a new, lower end are dropped).
    pub fn resize(&mut self, mem: &mut impl UserMemory<B>, start: u64, new_end: u64) -> Result<(), VmaError> {
        let old_end = self.vmas.set_end(start, new_end)?;
        if new_end < old_end {
            self.discard(mem, new_end, old_end);
        }
        self.vmas.merge_around(start, new_end);
        Ok(())
    }

    /// Removes `[start, end)`: mappings are split at its ends, their pages
    /// unmapped and emptied tables freed; returns the pieces removed.
    pub fn unmap(&mut self, mem: &mut impl UserMemory<B>, start: u64, end: u64) -> Vec<Vma<B>> {
        let removed = self.vmas.remove_range(start, end);
        self.discard(mem, start, end);
        removed
    }

    /// Drops the pages of `[start, end)` but keeps the mappings
    /// (`MADV_DONTNEED`): the next touch fills them afresh.
    pub fn discard(&mut self, mem: &mut impl UserMemory<B>, start: u64, end: u64) {
        let zero = mem.zero_frame();
        let (mut gone, mut unswapped) = (0, 0);
        let mut flush = self.table.update_entries(mem, start, end, &mut |m, _, pte| {
            if let Some(slot) = swapped_slot(pte) {
                m.swap_free(slot);
                unswapped += 1;
                return Some(0);
            }
            let ppn = Ppn(pte_ppn(pte));
            gone += (ppn != zero) as usize;
            m.release_frame(ppn);
            Some(0)
        });
        self.resident -= gone;
        self.swapped -= unswapped;
        flush.merge(self.table.prune(mem, start, end));
        self.spend_range(mem, flush);
    }

    /// Gives `[start, end)`, which must be mapped whole, the permissions
    /// `perms` (splitting and merging mappings); mapped pages follow at once.
    pub fn protect(
        &mut self,
        mem: &mut impl UserMemory<B>,
        start: u64,
        end: u64,
        perms: Perms,
    ) -> Result<(), FaultError> {
        if !self.vmas.covers(start, end) {
            return Err(FaultError::NoMapping);
        }
        self.vmas.set_perms(start, end, perms);
        let flush = self.table.update_leaves(mem, start, end, &mut |_, _, pte| {
            let new = leaf_pte(Ppn(pte_ppn(pte)), leaf_flags(perms, pte & PTE_COW != 0));
            (new != pte).then_some(new)
        });
        self.spend_range(mem, flush);
        self.vmas.merge_around(start, end);
        Ok(())
    }

    /// Makes `child` (empty, over a fresh table and ASID) a copy of this
    /// space for fork: the same mappings and counts of nothing; shared
    /// mappings map the same frames, private ones too but read-only and
    /// copy-on-write in both spaces. With `eager`, private pages are copied
    /// now instead (the old way, kept to measure against).
    pub fn fork_into(
        &mut self,
        mem: &mut impl UserMemory<B>,
        child: &mut Uvm<B>,
        eager: bool,
    ) -> Result<(), FaultError> {
        child.stack = self.stack;
        let zero = mem.zero_frame();
        let mut flush = FlushRange::default();
        let mut result = Ok(());
        for vma in self.vmas.iter() {
            if child.vmas.insert(vma.clone()).is_err() {
                result = Err(FaultError::NoMapping);
                break;
            }
            let (shared, perms) = (vma.backing.is_shared(), vma.perms);
            let changed = self.table.update_entries(mem, vma.start, vma.end, &mut |m, va, pte| {
                if result.is_err() {
                    return None;
                }
                if let Some(slot) = swapped_slot(pte) {
                    // Parent and child name one slot: it is read back once.
                    match child.table.set_software_entry(m, va, pte) {
                        Ok(()) => {
                            m.swap_dup(slot);
                            child.swapped += 1;
                        }
                        Err(_) => result = Err(FaultError::NoMemory),
                    }
                    return None;
                }
                let ppn = Ppn(pte_ppn(pte));
                let (parent, theirs) = if shared {
                    (pte, (ppn, pte & LEAF_FLAGS))
                } else if eager && ppn != zero {
                    match m.alloc_frame() {
                        Some(copy) => {
                            m.copy_frame(copy, ppn);
                            (pte, (copy, leaf_flags(perms, false)))
                        }
                        None => {
                            result = Err(FaultError::NoMemory);
                            return None;
                        }
                    }
                } else {
                    let flags = leaf_flags(perms, true);
                    (leaf_pte(ppn, flags), (ppn, flags))
                };
                if theirs.0 == ppn {
                    m.share_frame(ppn);
                }
                // A fresh ASID holds no translations: nothing to flush.
                match child.table.map(m, va, theirs.0.addr(), PageSize::Size4K, theirs.1) {
                    Ok(f) => f.ignore(),
                    Err(_) => {
                        m.release_frame(theirs.0);
                        result = Err(FaultError::NoMemory);
                        return None;
                    }
                }
                if theirs.0 != zero {
                    child.add_resident(1);
                }
                (parent != pte).then_some(parent)
            });
            flush.merge(changed);
        }
        self.spend_range(mem, flush);
        result
    }

    /// Serves a fault of kind `access` at `va` (see the module comment);
    /// counts it.
    pub fn handle_fault(
        &mut self,
        mem: &mut impl UserMemory<B>,
        va: u64,
        access: Access,
    ) -> Result<Resolved, FaultError> {
        if self.vmas.find(va).is_none() {
            self.grow_stack(va)?;
        }
        let vma = self.vmas.find(va).ok_or(FaultError::NoMapping)?.clone();
        if !access.allowed_by(vma.perms) {
            return Err(FaultError::Denied);
        }
        let page = uva(va)?.page_down();
        self.make_room(mem);
        let resolved = match self.table.leaf(mem, page) {
            None => match swapped_slot(self.table.entry(mem, page)) {
                Some(slot) => self.swap_in(mem, &vma, page, slot, access)?,
                None => self.fill(mem, &vma, page, access)?,
            },
            Some(l) if user_permits(l.pte, access) && lacks_ad(l.pte, access) => self.mark_accessed(mem, page, l.pte),
            Some(l) if user_permits(l.pte, access) => {
                mem.flush_page(self.asid, page);
                Resolved::Spurious
            }
            Some(l) if access == Access::Write && l.pte & PTE_COW != 0 => self.break_cow(mem, &vma, page, l.pte)?,
            Some(l) => self.refresh(mem, &vma, page, l.pte),
        };
        match resolved {
            Resolved::Minor => self.stats.minor_faults += 1,
            Resolved::Major => self.stats.major_faults += 1,
            Resolved::Spurious => {}
        }
        Ok(resolved)
    }

    /// Reclaims pages first when the kernel says frames run low: from the
    /// other spaces, then from this one, until frames are no longer low or
    /// nothing more goes out. (A page shared by fork frees its frame only
    /// when its last PTE lets go, so pages out are not frames free.)
    fn make_room(&mut self, mem: &mut impl UserMemory<B>) {
        for _ in 0..MAX_RECLAIM_ROUNDS {
            let want = mem.reclaim_wanted();
            if want == 0 {
                return;
            }
            let mut got = mem.reclaim_elsewhere(want);
            if got < want {
                got += self.reclaim(mem, want - got, RECLAIM_SCAN_PAGES);
            }
            if got == 0 {
                return;
            }
        }
    }

    /// Sets A (and D on a writable leaf) for a hart that faulted on them.
    fn mark_accessed(&mut self, mem: &mut impl UserMemory<B>, page: VirtAddr, pte: u64) -> Resolved {
        if let Ok(f) = self.table.protect(mem, page, pte & LEAF_FLAGS) {
            self.spend(mem, f);
        }
        Resolved::Minor
    }

    /// Brings a swapped-out page back: its own again when no other swap
    /// entry names the slot, else shared copy-on-write with the others
    /// through the swap cache (and copied at once for a store).
    fn swap_in(
        &mut self,
        mem: &mut impl UserMemory<B>,
        vma: &Vma<B>,
        page: VirtAddr,
        slot: SwapSlot,
        access: Access,
    ) -> Result<Resolved, FaultError> {
        let back = mem.swap_in(slot)?;
        self.swapped -= 1;
        let flags = leaf_flags(vma.perms, back.shared);
        // The leaf takes the software entry's place (map looks at V only).
        self.install(mem, page, back.ppn, flags)?;
        if back.shared && access == Access::Write {
            self.break_cow(mem, vma, page, leaf_pte(back.ppn, flags))?;
        }
        Ok(if back.read { Resolved::Major } else { Resolved::Minor })
    }

    /// The clock over this space's pages, on from where its hand stopped:
    /// a page with A set loses it and stays (a second chance); one with A
    /// clear goes: a private page to swap, a page of a page cache (a shared
    /// mapping's, or a private file page not yet copied) is unmapped, for
    /// the cache to give up once nothing maps it. Stops when `want` pages
    /// are out, `budget` pages of address space were looked at (present or
    /// not: the cost of the scan), or swap is full; returns the pages that
    /// went. The TLB is flushed once for the whole batch, before returning
    /// to the program (nothing uses the pages between).
    pub fn reclaim(&mut self, mem: &mut impl UserMemory<B>, want: usize, budget: usize) -> usize {
        if self.resident == 0 {
            return 0;
        }
        let ranges: Vec<(u64, u64, bool)> = self.vmas.iter().map(|v| (v.start, v.end, v.backing.is_shared())).collect();
        let hand = self.clock;
        let ahead = ranges.iter().filter(|r| r.1 > hand).map(|&(s, e, sh)| (s.max(hand), e, sh));
        let behind = ranges.iter().filter(|r| r.0 < hand).map(|&(s, e, sh)| (s, e.min(hand), sh));
        let zero = mem.zero_frame();
        let (mut out, mut unmapped, mut left, mut full) = (0, 0, budget as u64 * PAGE_SIZE, false);
        let mut flush = FlushRange::default();
        'scan: for (start, end, shared) in ahead.chain(behind).collect::<Vec<_>>() {
            let mut at = start;
            while at < end {
                if out + unmapped >= want || left == 0 || full {
                    break 'scan;
                }
                let chunk_end = end.min((at & !(MOVE_CHUNK - 1)) + MOVE_CHUNK).min(at + left);
                left -= chunk_end - at;
                let mut stop = chunk_end;
                flush.merge(self.table.update_leaves(mem, at, chunk_end, &mut |m, va, pte| {
                    if out + unmapped >= want || full {
                        stop = stop.min(va.as_u64());
                        return None;
                    }
                    let ppn = Ppn(pte_ppn(pte));
                    if ppn == zero {
                        return None;
                    }
                    if pte & PTE_A != 0 {
                        return Some(pte & !PTE_A);
                    }
                    if m.cache_frame(ppn) {
                        m.release_frame(ppn);
                        unmapped += 1;
                        return Some(0);
                    }
                    if shared {
                        return None; // a frame of no cache (the trampoline): stays
                    }
                    match m.swap_out(ppn) {
                        Some(slot) => {
                            out += 1;
                            Some(swap_entry(slot))
                        }
                        None => {
                            full = true;
                            stop = stop.min(va.as_u64());
                            None
                        }
                    }
                }));
                self.clock = stop;
                at = chunk_end;
            }
        }
        self.resident -= out + unmapped;
        self.swapped += out;
        self.spend_range(mem, flush);
        out + unmapped
    }

    /// Reads back every page of this space that is in swap area `area`
    /// (swapoff); how many came back.
    pub fn swap_in_area(&mut self, mem: &mut impl UserMemory<B>, area: usize) -> Result<usize, FaultError> {
        let mut pages = Vec::new();
        for vma in self.vmas.iter() {
            let none = self.table.update_entries(mem, vma.start, vma.end, &mut |_, va, pte| {
                if let Some(slot) = swapped_slot(pte).filter(|s| s.area() == area) {
                    pages.push((va, slot));
                }
                None
            });
            debug_assert!(none.is_empty());
        }
        for &(page, slot) in &pages {
            let vma = self.vmas.find(page.as_u64()).ok_or(FaultError::NoMapping)?.clone();
            self.swap_in(mem, &vma, page, slot, Access::Read)?;
        }
        Ok(pages.len())
    }

    /// Grows the stack down to take in `va`, within its limit and keeping
    /// its gap from the mapping below.
    fn grow_stack(&mut self, va: u64) -> Result<(), FaultError> {
        let s = self.stack.ok_or(FaultError::NoMapping)?;
        let floor = s.top.saturating_sub(s.max);
        if va >= s.top {
            return Err(FaultError::NoMapping);
        }
        if va < floor {
            return Err(if va >= floor.saturating_sub(s.gap) { FaultError::Guard } else { FaultError::NoMapping });
        }
        let stack = self.vmas.next_above(va).filter(|v| v.backing.grows_down()).ok_or(FaultError::NoMapping)?;
        let (stack_start, new_start) = (stack.start, va & !(PAGE_SIZE - 1));
        if self.vmas.prev_below(new_start).is_some_and(|below| below.end.saturating_add(s.gap) > new_start) {
            return Err(FaultError::Guard);
        }
        self.vmas.grow_down(stack_start, new_start).map_err(|_| FaultError::Guard)
    }

    /// Fills an absent page of `vma`.
    fn fill(
        &mut self,
        mem: &mut impl UserMemory<B>,
        vma: &Vma<B>,
        page: VirtAddr,
        access: Access,
    ) -> Result<Resolved, FaultError> {
        let Some(base) = vma.backing.file_offset() else {
            return self.fill_anonymous(mem, vma.perms, page, access);
        };
        let offset = base + (page.as_u64() - vma.start);
        let shared = vma.backing.is_shared();
        let (cached, read_in) = mem.file_page(&vma.backing, offset, shared && vma.perms.allows(Perms::W))?;
        let kept = vma.backing.zero_from().map_or(PAGE, |z| z.saturating_sub(offset).min(PAGE_SIZE) as usize);
        let (ppn, cow) = if shared {
            (cached, false)
        } else if kept < PAGE {
            (private_copy(mem, cached, kept)?, false)
        } else if access == Access::Write {
            self.stats.cow_copies += 1;
            (private_copy(mem, cached, PAGE)?, false)
        } else {
            (cached, true)
        };
        self.install(mem, page, ppn, leaf_flags(vma.perms, cow))?;
        Ok(if read_in { Resolved::Major } else { Resolved::Minor })
    }

    /// Anonymous memory: the zero page for a read, a zeroed frame for a write.
    fn fill_anonymous(
        &mut self,
        mem: &mut impl UserMemory<B>,
        perms: Perms,
        page: VirtAddr,
        access: Access,
    ) -> Result<Resolved, FaultError> {
        let (ppn, cow) = if access == Access::Write {
            (mem.alloc_frame().ok_or(FaultError::NoMemory)?, false)
        } else {
            let zero = mem.zero_frame();
            mem.share_frame(zero);
            (zero, true)
        };
        self.install(mem, page, ppn, leaf_flags(perms, cow))?;
        Ok(Resolved::Minor)
    }

    /// Maps `ppn` at `page`; the new leaf takes the caller's reference.
    fn install(
        &mut self,
        mem: &mut impl UserMemory<B>,
        page: VirtAddr,
        ppn: Ppn,
        flags: u64,
    ) -> Result<(), FaultError> {
        match self.table.map(mem, page, ppn.addr(), PageSize::Size4K, flags) {
            Ok(f) => {
                self.spend(mem, f);
                if flags & PTE_X != 0 {
                    mem.sync_icache();
                }
                if ppn != mem.zero_frame() {
                    self.add_resident(1);
                }
                Ok(())
            }
            Err(_) => {
                mem.release_frame(ppn);
                Err(FaultError::NoMemory)
            }
        }
    }

    /// A write to a copy-on-write page: made writable if this space holds
    /// the frame's last reference, else copied (the zero page: a new one).
    fn break_cow(
        &mut self,
        mem: &mut impl UserMemory<B>,
        vma: &Vma<B>,
        page: VirtAddr,
        pte: u64,
    ) -> Result<Resolved, FaultError> {
        let (old, zero) = (Ppn(pte_ppn(pte)), mem.zero_frame());
        let flags = leaf_flags(vma.perms, false);
        if old != zero && mem.frame_refs(old) == 1 {
            let f = self.table.protect(mem, page, flags).map_err(|_| FaultError::NoMapping)?;
            self.spend(mem, f);
            return Ok(Resolved::Minor);
        }
        let new = mem.alloc_frame().ok_or(FaultError::NoMemory)?;
        if old == zero {
            self.add_resident(1);
        } else {
            mem.copy_frame(new, old);
            self.stats.cow_copies += 1;
        }
        let (_, f) = self.table.replace(mem, page, new.addr(), flags).map_err(|_| FaultError::NoMapping)?;
        self.spend(mem, f);
        if flags & PTE_X != 0 {
            mem.sync_icache();
        }
        mem.release_frame(old);
        Ok(Resolved::Minor)
    }

    /// A leaf that lags behind its VMA's permissions: rewritten from them.
    fn refresh(&mut self, mem: &mut impl UserMemory<B>, vma: &Vma<B>, page: VirtAddr, pte: u64) -> Resolved {
        if let Ok(f) = self.table.protect(mem, page, leaf_flags(vma.perms, pte & PTE_COW != 0)) {
            self.spend(mem, f);
        }
        Resolved::Minor
    }

    /// Makes every page of `[va, va + len)` allow `access` from user mode,
    /// faulting them in as the process would (for the kernel's copies to
    /// and from user memory, and `MAP_POPULATE`).
    pub fn prepare(
        &mut self,
        mem: &mut impl UserMemory<B>,
        va: u64,
        len: u64,
        access: Access,
    ) -> Result<(), FaultError> {
        let end = va.checked_add(len).ok_or(FaultError::NoMapping)?;
        let mut page = va & !(PAGE_SIZE - 1);
        while page < end {
            let leaf = self.table.leaf(mem, uva(page)?);
            let ready = leaf.is_some_and(|l| user_permits(l.pte, access) && !lacks_ad(l.pte, access));
            if !ready {
                self.handle_fault(mem, page, access)?;
            }
            page += PAGE_SIZE;
        }
        Ok(())
    }

    /// The physical address `va` maps to, if its page is present.
    pub fn translate(&self, mem: &impl UserMemory<B>, va: u64) -> Option<PhysAddr> {
        self.table.translate(mem, VirtAddr::new(va).ok()?)
    }

    /// Writes `data` at `va` for the kernel (a new program's stack), faulting
    /// pages in; the mappings must allow writing.
    pub fn write(&mut self, mem: &mut impl UserMemory<B>, va: u64, data: &[u8]) -> Result<(), FaultError> {
        self.prepare(mem, va, data.len() as u64, Access::Write)?;
        let mut done = 0;
        while done < data.len() {
            let at = va + done as u64;
            let offset = (at % PAGE_SIZE) as usize;
            let n = (PAGE - offset).min(data.len() - done);
            let pa = self.translate(mem, at).ok_or(FaultError::NoMapping)?;
            mem.write_frame(pa.ppn(), offset, &data[done..done + n]);
            done += n;
        }
        Ok(())
    }

    /// Moves `[from, from + len)`, which lies in one mapping, to the free
    /// range `[to, to + len)`: the mapping piece and its pages (mremap).
    pub fn move_range(&mut self, mem: &mut impl UserMemory<B>, from: u64, len: u64, to: u64) -> Result<(), FaultError> {
        let vma = self.vmas.find(from).filter(|v| v.end >= from + len).ok_or(FaultError::NoMapping)?;
        let piece = Vma { start: to, end: to + len, perms: vma.perms, backing: vma.backing.advance(from - vma.start) };
        self.prepare_tables(mem, to, to + len)?;
        self.vmas.insert(piece).map_err(|_| FaultError::NoMapping)?;
        let mut flush = FlushRange::default();
        let mut at = from;
        while at < from + len {
            let chunk_end = (from + len).min((at & !(MOVE_CHUNK - 1)) + MOVE_CHUNK);
            let mut moved = Vec::new();
            flush.merge(self.table.update_entries(mem, at, chunk_end, &mut |_, va, pte| {
                moved.push((va.as_u64(), pte));
                Some(0)
            }));
            for (va, pte) in moved {
                let dst = uva(to + (va - from))?;
                // Cannot fail: prepare_tables built every table on the way.
                if swapped_slot(pte).is_some() {
                    let _ = self.table.set_software_entry(mem, dst, pte);
                    continue;
                }
                let f = self.table.map(mem, dst, Ppn(pte_ppn(pte)).addr(), PageSize::Size4K, pte & LEAF_FLAGS);
                if let Ok(f) = f {
                    flush.add(f.into_va());
                }
            }
            at = chunk_end;
        }
        self.vmas.remove_range(from, from + len);
        flush.merge(self.table.prune(mem, from, from + len));
        self.spend_range(mem, flush);
        self.vmas.merge_around(to, to + len);
        Ok(())
    }

    /// Builds the level-0 tables for `[start, end)` up front.
    fn prepare_tables(&mut self, mem: &mut impl UserMemory<B>, start: u64, end: u64) -> Result<(), FaultError> {
        let mut at = start & !(level_size(1) - 1);
        while at < end {
            self.table.prepare(mem, uva(at)?, 0).map_err(|_| FaultError::NoMemory)?;
            at += level_size(1);
        }
        Ok(())
    }

    /// Calls `f(vma, va, pte)` for every mapped page, in address order.
    pub fn for_each_page(&self, mem: &mut impl UserMemory<B>, f: &mut impl FnMut(&Vma<B>, u64, u64)) {
        for vma in self.vmas.iter() {
            let none = self.table.update_leaves(mem, vma.start, vma.end, &mut |_, va, pte| {
                f(vma, va.as_u64(), pte);
                None
            });
            debug_assert!(none.is_empty());
        }
    }

    /// Frees every page and table of the user half (root entries `user`)
    /// and the root; the space must not be in use, and is of no use after.
    pub fn destroy(&mut self, mem: &mut impl UserMemory<B>, user: core::ops::Range<usize>) {
        self.vmas.drain().for_each(drop);
        (self.resident, self.swapped) = (0, 0);
        self.table.free_range(mem, user, &mut |m, _, pte| match swapped_slot(pte) {
            Some(slot) => m.swap_free(slot),
            None => m.release_frame(Ppn(pte_ppn(pte))),
        });
        self.table.free_root(mem);
    }
}

/// A new frame with a copy of `src`'s first `keep` bytes (zeros after);
/// gives up the caller's reference to `src`.
fn private_copy<B>(mem: &mut impl UserMemory<B>, src: Ppn, keep: usize) -> Result<Ppn, FaultError> {
    let Some(new) = mem.alloc_frame() else {
        mem.release_frame(src);
        return Err(FaultError::NoMemory);
    };
    mem.copy_frame(new, src);
    if keep < PAGE {
        mem.zero_tail(new, keep);
    }
    mem.release_frame(src);
    Ok(new)
}

#[cfg(test)]
mod tests;
