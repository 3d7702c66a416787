//! A process's address space: its mappings and page table (the portable
//! [`Uvm`] of guest_os::mm::uvm, which fills pages on demand and does
//! copy-on-write), its ASID, and where things go: the stack, the mmap area,
//! the heap (brk) and the signal trampoline, randomized per exec (ASLR)
//! unless `norandmaps` is given.
//!
//! [`Mapping`] is what backs a VMA here: anonymous memory, or a file (a
//! [`MappedFile`], which fs implements over its page cache) at an offset,
//! private or shared. Shared anonymous memory is an unnamed file, as in
//! Linux. The kernel gives `Uvm` its frames, file pages and TLB flushes
//! through [`FrameTables`]. The processes own the spaces; mm reaches them
//! through the [`Spaces`] proc registers at boot.

use super::backing::{same_file, FileRef, MappedFile};
use super::frame::{self, Frame, OutOfMemory};
use super::kernel_space::{self, FrameTables};
use super::swap;
use crate::cpu;
use crate::memlayout::*;
use crate::rand;
use crate::sync::Global;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use guest_os::mm::page_table::{page_up, PageTable};
pub use guest_os::mm::uvm::{Access, FaultError, Resolved, VmStats};
use guest_os::mm::uvm::{SwapIn, SwapSlot, RECLAIM_SCAN_PAGES};
pub use guest_os::proc::futex_queue::FutexKey;
use guest_os::mm::uvm::{StackLimit, UserMemory, Uvm};
use guest_os::mm::vma::{Backing, Perms, Vma, VmaError, VmaSet};
use sv39_abi::Errno;
use sv39_arch::pte::{pte_ppn, PTE_W};
use sv39_arch::sv39::PAGE_SIZE;
use sv39_arch::{Ppn, VirtAddr};

/// What a mapping is for: the name `/proc/PID/maps` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// A file's pages: named by the file's path.
    File,
    /// Anonymous memory: `[anon]`.
    Anon,
    Heap,
    /// Grows down on demand.
    Stack,
    /// The signal-return trampoline.
    Vdso,
}

/// A file mapped at an offset.
#[derive(Clone)]
pub struct FileMap {
    pub file: FileRef,
    /// The file offset at the mapping's start.
    pub offset: u64,
    /// Private ELF segments: file bytes from here on read as zero.
    pub zero_from: Option<u64>,
    pub path: Rc<str>,
    /// Shared and opened for writing: `mprotect(PROT_WRITE)` is allowed.
    pub writable: bool,
}

/// The backing of a VMA.
#[derive(Clone)]
pub struct Mapping {
    pub file: Option<FileMap>,
    pub shared: bool,
    pub label: Label,
}

impl Mapping {
    /// Private anonymous memory.
    pub fn anon(label: Label) -> Mapping {
        Mapping { file: None, shared: false, label }
    }

    /// The name in `/proc/PID/maps` (files unlinked since: `(deleted)`).
    pub fn name(&self) -> alloc::string::String {
        match (self.label, &self.file) {
            (Label::File, Some(f)) if f.file.unlinked() => alloc::format!("{} (deleted)", f.path),
            (Label::File, Some(f)) => alloc::string::String::from(&*f.path),
            (Label::Heap, _) => "[heap]".into(),
            (Label::Stack, _) => "[stack]".into(),
            (Label::Vdso, _) => "[vdso]".into(),
            _ => "[anon]".into(),
        }
    }
}

impl Backing for Mapping {
    fn advance(&self, by: u64) -> Self {
        let mut m = self.clone();
        if let Some(f) = &mut m.file {
            f.offset += by;
        }
        m
    }

    fn continues(&self, len: u64, next: &Self) -> bool {
        let files = match (&self.file, &next.file) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                same_file(&a.file, &b.file)
                    && a.offset + len == b.offset
                    && (a.zero_from, a.writable) == (b.zero_from, b.writable)
            }
            _ => false,
        };
        files && (self.label, self.shared) == (next.label, next.shared)
    }

    fn is_shared(&self) -> bool {
        self.shared
    }

    fn file_offset(&self) -> Option<u64> {
        self.file.as_ref().map(|f| f.offset)
    }

    fn zero_from(&self) -> Option<u64> {
        self.file.as_ref().and_then(|f| f.zero_from)
    }

    fn grows_down(&self) -> bool {
        self.label == Label::Stack
    }
}

/// The bytes of a frame a user page table references.
fn frame_bytes<'a>(ppn: Ppn) -> &'a mut [u8; PAGE_SIZE as usize] {
    // SAFETY: `Uvm` passes frames it holds a reference to, and holds no
    // other view of their bytes while it asks for a copy or a write.
    unsafe { frame::raw_bytes(ppn) }
}

impl UserMemory<Mapping> for FrameTables {
    fn alloc_frame(&mut self) -> Option<Ppn> {
        Frame::alloc().ok().map(Frame::into_raw)
    }

    fn share_frame(&mut self, ppn: Ppn) {
        frame::get(ppn);
    }

    fn release_frame(&mut self, ppn: Ppn) {
        frame::put(ppn);
    }

    fn frame_refs(&self, ppn: Ppn) -> u32 {
        frame::refs(ppn)
    }

    fn copy_frame(&mut self, dst: Ppn, src: Ppn) {
        super::page_ops::copy_page(frame_bytes(dst), frame_bytes(src));
    }

    fn zero_tail(&mut self, ppn: Ppn, from: usize) {
        frame_bytes(ppn)[from..].fill(0);
    }

    fn write_frame(&mut self, ppn: Ppn, offset: usize, data: &[u8]) {
        frame_bytes(ppn)[offset..offset + data.len()].copy_from_slice(data);
    }

    fn zero_frame(&self) -> Ppn {
        frame::zero_page()
    }

    fn file_page(&mut self, backing: &Mapping, offset: u64, writable: bool) -> Result<(Ppn, bool), FaultError> {
        let file = backing.file.as_ref().ok_or(FaultError::NoMapping)?;
        file.file.page(offset / PAGE_SIZE, writable)
    }

    fn cache_frame(&self, ppn: Ppn) -> bool {
        frame::is_cached(ppn)
    }

    fn flush_page(&mut self, asid: u16, va: VirtAddr) {
        cpu::sfence_vma(va.as_u64(), asid);
    }

    fn flush_asid(&mut self, asid: u16) {
        cpu::sfence_vma_asid(asid);
    }

    fn sync_icache(&mut self) {
        cpu::fence_i();
    }

    fn swap_out(&mut self, ppn: Ppn) -> Option<SwapSlot> {
        swap::swap_out(ppn)
    }

    fn swap_in(&mut self, slot: SwapSlot) -> Result<SwapIn, FaultError> {
        Ok(swap::swap_in(slot)?)
    }

    fn swap_dup(&mut self, slot: SwapSlot) {
        swap::dup(slot);
    }

    fn swap_free(&mut self, slot: SwapSlot) {
        swap::free(slot);
    }

    fn reclaim_wanted(&self) -> usize {
        swap::reclaim_wanted()
    }

    fn reclaim_elsewhere(&mut self, want: usize) -> usize {
        swap::reclaim_elsewhere(want)
    }
}

/// Why a mapping change failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmError {
    NoMemory,
    /// The range is taken, misaligned or outside the user half.
    BadRange,
}

impl From<OutOfMemory> for MmError {
    fn from(_: OutOfMemory) -> Self {
        MmError::NoMemory
    }
}

impl From<VmaError> for MmError {
    fn from(_: VmaError) -> Self {
        MmError::BadRange
    }
}

impl From<FaultError> for MmError {
    fn from(e: FaultError) -> Self {
        match e {
            FaultError::NoMemory => MmError::NoMemory,
            _ => MmError::BadRange,
        }
    }
}

impl From<MmError> for Errno {
    fn from(e: MmError) -> Errno {
        match e {
            MmError::NoMemory => Errno::ENOMEM,
            MmError::BadRange => Errno::EINVAL,
        }
    }
}

/// Why a user fault could not be served, as the report line says it.
pub fn fault_reason(e: FaultError, access: Access) -> &'static str {
    match (e, access) {
        (FaultError::NoMapping, _) => "no mapping",
        (FaultError::Guard, _) => "stack guard page",
        (FaultError::Denied, Access::Write) => "write to read-only memory",
        (FaultError::Denied, Access::Execute) => "execute of non-executable memory",
        (FaultError::Denied, Access::Read) => "read of inaccessible memory",
        (FaultError::PastEnd, _) => "past the end of the mapped file",
        (FaultError::NoMemory, _) => "out of memory",
        (FaultError::SwapIo, _) => "swap read error",
    }
}

/// ASIDs in use; `limit` is 0 when the hart has none (every space then
/// shares ASID 0 and each switch flushes the TLB).
struct AsidPool {
    limit: u16,
    used: [u64; 4],
}

static ASIDS: Global<AsidPool> = Global::new(AsidPool { limit: 0, used: [0; 4] });

/// Uses `bits` ASID bits (as probed at boot), at most 255 ASIDs.
pub fn init_asids(bits: u32) {
    let limit = if bits >= 8 { 255 } else { (1u16 << bits) - 1 };
    ASIDS.borrow_mut().limit = limit;
}

fn alloc_asid() -> u16 {
    let mut pool = ASIDS.borrow_mut();
    let found = (1..=pool.limit).find(|&a| pool.used[a as usize / 64] & (1 << (a % 64)) == 0);
    if let Some(a) = found {
        pool.used[a as usize / 64] |= 1 << (a % 64);
    }
    found.unwrap_or(0)
}

/// Frees `asid` after flushing what the TLB holds for it.
fn free_asid(asid: u16) {
    if asid != 0 {
        cpu::sfence_vma_asid(asid);
        ASIDS.borrow_mut().used[asid as usize / 64] &= !(1 << (asid % 64));
    }
}

/// Whether exec randomizes the layout (`norandmaps` turns it off).
static RANDOMIZE: AtomicBool = AtomicBool::new(true);
/// Address-space ids (futex keys of private memory).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub fn set_randomize(on: bool) {
    RANDOMIZE.store(on, Ordering::Relaxed);
}

/// Where a new program's regions go (memlayout.rs has the map).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub stack_top: u64,
    pub mmap_base: u64,
    /// Where a static-pie program is loaded.
    pub dyn_base: u64,
    /// The gap between the program's end and its heap.
    pub brk_gap: u64,
}

impl Layout {
    /// A layout for the next exec: each region moved by a random number of
    /// pages (none with `norandmaps`).
    pub fn for_exec() -> Layout {
        let random = |range: u64| {
            let pages = range / PAGE_SIZE;
            if RANDOMIZE.load(Ordering::Relaxed) {
                rand::next() % pages * PAGE_SIZE
            } else {
                0
            }
        };
        Layout {
            stack_top: USER_STACK_TOP - random(RANDOM_RANGE),
            mmap_base: MMAP_TOP - random(RANDOM_RANGE),
            dyn_base: DYN_BASE + random(RANDOM_RANGE),
            brk_gap: random(RANDOM_RANGE),
        }
    }

    /// The lowest address the stack may reach, its guard gap included.
    fn stack_floor(&self) -> u64 {
        self.stack_top - STACK_LIMIT - STACK_GUARD_GAP
    }
}

/// The trampoline a signal handler returns to (riscv64 has no
/// SA_RESTORER): `li a7, RT_SIGRETURN` (addi a7, zero, 139), `ecall`.
const SIGRETURN_CODE: [u32; 2] = [((sv39_abi::syscall::RT_SIGRETURN as u32) << 20) | (17 << 7) | 0x13, 0x0000_0073];
const _: () = assert!(SIGRETURN_CODE[0] == 0x08b0_0893);

/// The trampoline's page, mapped (shared, read-only) into every program.
struct Vdso(Frame);

impl MappedFile for Vdso {
    fn ino(&self) -> u64 {
        0
    }

    fn unlinked(&self) -> bool {
        false
    }

    fn page(&self, index: u64, _: bool) -> Result<(Ppn, bool), FaultError> {
        match index {
            0 => Ok((self.0.share().into_raw(), false)),
            _ => Err(FaultError::PastEnd),
        }
    }
}

static VDSO: Global<Option<FileRef>> = Global::new(None);

/// Makes the trampoline page (at boot).
pub fn init_vdso() -> Result<(), Errno> {
    let mut frame = Frame::alloc().map_err(|_| Errno::ENOMEM)?;
    let code: Vec<u8> = SIGRETURN_CODE.iter().flat_map(|w| w.to_le_bytes()).collect();
    frame.bytes_mut().fill(0);
    frame.bytes_mut()[..code.len()].copy_from_slice(&code);
    *VDSO.borrow_mut() = Some(Rc::new(Vdso(frame)));
    Ok(())
}

/// (resident pages by kind, PSS in bytes << 12) over a space's mappings,
/// for `/proc/PID/smaps_rollup`. A page is shared when another mapping
/// (any process) maps its frame too, and dirty unless it is a page-cache
/// frame not mapped writable (so never written through this mapping).
#[derive(Clone, Copy, Debug, Default)]
pub struct Rollup {
    pub rss: u64,
    pub pss_scaled: u64,
    pub shared_clean: u64,
    pub shared_dirty: u64,
    pub private_clean: u64,
    pub private_dirty: u64,
}

pub struct AddressSpace {
    uvm: Uvm<Mapping>,
    id: u64,
    layout: Layout,
    /// The heap's start and the current break.
    heap_start: u64,
    brk: u64,
    /// Where the trampoline is mapped (0: not mapped).
    vdso: u64,
}

impl AddressSpace {
    /// An empty user half over the kernel's upper half, laid out as `layout`.
    pub fn new(layout: Layout) -> Result<AddressSpace, OutOfMemory> {
        let mut table = PageTable::new(&mut FrameTables).map_err(|_| OutOfMemory)?;
        kernel_space::share_kernel_half(&mut table);
        let mut uvm = Uvm::new(table, alloc_asid());
        uvm.set_stack_limit(StackLimit { top: layout.stack_top, max: STACK_LIMIT, gap: STACK_GUARD_GAP });
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(AddressSpace { uvm, id, layout, heap_start: 0, brk: 0, vdso: 0 })
    }

    /// The `satp` value that selects this space.
    pub fn satp(&self) -> u64 {
        sv39_arch::csr::satp::sv39(self.uvm.asid(), self.uvm.root().ppn().0)
    }

    /// Makes this the hart's address space. Between two threads of one
    /// space satp already holds it and is not written: the TLB's entries
    /// for the ASID stay valid (one hart; several would need more, see
    /// guest-os/README.md).
    pub fn activate(&self) {
        if cpu::satp() != self.satp() {
            cpu::switch_satp(self.satp(), self.uvm.asid() == 0);
        }
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Serves a page fault of the process (or of the kernel on its behalf).
    pub fn handle_fault(&mut self, va: u64, access: Access) -> Result<Resolved, FaultError> {
        self.counted(|uvm| uvm.handle_fault(&mut FrameTables, va, access))
    }

    /// Faults in `[va, va + len)` for `access` from user mode (copy_user).
    pub fn prepare(&mut self, va: u64, len: u64, access: Access) -> Result<(), FaultError> {
        self.counted(|uvm| uvm.prepare(&mut FrameTables, va, len, access))
    }

    /// Runs `f`, adding the faults it served to the counts since boot.
    fn counted<T>(&mut self, f: impl FnOnce(&mut Uvm<Mapping>) -> T) -> T {
        let before = self.uvm.stats();
        let t = f(&mut self.uvm);
        let after = self.uvm.stats();
        let major = after.major_faults - before.major_faults;
        PGFAULT.fetch_add(after.minor_faults - before.minor_faults + major, Ordering::Relaxed);
        PGMAJFAULT.fetch_add(major, Ordering::Relaxed);
        t
    }

    /// Writes `data` at `va` (a new program's stack).
    pub fn write(&mut self, va: u64, data: &[u8]) -> Result<(), FaultError> {
        self.counted(|uvm| uvm.write(&mut FrameTables, va, data))
    }

    /// ENOMEM unless `extra` more mappings fit under MAX_VMAS (a change
    /// that splits mappings checks first, as Linux does).
    pub fn check_room(&self, extra: usize) -> Result<(), Errno> {
        if self.vmas().len() + extra <= MAX_VMAS {
            Ok(())
        } else {
            Err(Errno::ENOMEM)
        }
    }

    /// Adds a mapping over free addresses `[start, end)`.
    pub fn map(&mut self, start: u64, end: u64, perms: Perms, backing: Mapping) -> Result<(), MmError> {
        if end > USER_TOP || start < PAGE_SIZE {
            return Err(MmError::BadRange);
        }
        self.check_room(1).map_err(|_| MmError::NoMemory)?;
        self.uvm.map(Vma { start, end, perms, backing })?;
        Ok(())
    }

    /// Removes whatever is mapped in `[start, end)`.
    pub fn unmap(&mut self, start: u64, end: u64) {
        drop(self.uvm.unmap(&mut FrameTables, start, end));
    }

    /// `mprotect`: `[start, end)` must be mapped whole.
    pub fn protect(&mut self, start: u64, end: u64, perms: Perms) -> Result<(), FaultError> {
        self.uvm.protect(&mut FrameTables, start, end, perms)
    }

    /// `MADV_DONTNEED`: drops the pages, keeps the mappings.
    pub fn discard(&mut self, start: u64, end: u64) {
        self.uvm.discard(&mut FrameTables, start, end);
    }

    /// Faults every page of `[start, end)` in (`MAP_POPULATE`).
    pub fn populate(&mut self, start: u64, end: u64, access: Access) -> Result<(), FaultError> {
        self.uvm.prepare(&mut FrameTables, start, end - start, access)
    }

    /// Moves the end of the mapping at `start` (mremap in place).
    pub fn resize(&mut self, start: u64, new_end: u64) -> Result<(), MmError> {
        self.uvm.resize(&mut FrameTables, start, new_end)?;
        Ok(())
    }

    /// Moves `[from, from + len)` and its pages to `to` (mremap).
    pub fn move_range(&mut self, from: u64, len: u64, to: u64) -> Result<(), MmError> {
        self.uvm.move_range(&mut FrameTables, from, len, to)?;
        Ok(())
    }

    pub fn vmas(&self) -> &VmaSet<Mapping> {
        self.uvm.vmas()
    }

    /// Where `mmap` puts `len` bytes: at `hint` if that is free and
    /// allowed, else as high as possible below the mmap base.
    pub fn find_free(&self, len: u64, hint: u64) -> Option<u64> {
        let hint = page_up(hint);
        if hint != 0 && self.can_map_at(hint, len) {
            return Some(hint);
        }
        self.vmas().find_gap(len, MMAP_MIN_ADDR, self.layout.mmap_base)
    }

    /// Whether `[start, start + len)` is free, in the user half, above
    /// MMAP_MIN_ADDR and clear of the stack's reserve.
    fn can_map_at(&self, start: u64, len: u64) -> bool {
        let Some(end) = start.checked_add(len) else { return false };
        let stack_reserve = self.layout.stack_floor()..self.layout.stack_top;
        start >= MMAP_MIN_ADDR
            && end <= USER_TOP
            && !self.vmas().overlaps(start, end)
            && (end <= stack_reserve.start || start >= stack_reserve.end)
    }

    /// A copy for a child (fork): copy-on-write, or copied now with `eager`.
    pub fn fork(&mut self, eager: bool) -> Result<AddressSpace, MmError> {
        let mut child = AddressSpace::new(self.layout)?;
        (child.heap_start, child.brk, child.vdso) = (self.heap_start, self.brk, self.vdso);
        self.uvm.fork_into(&mut FrameTables, &mut child.uvm, eager)?;
        Ok(child)
    }

    /// Sets up the stack mapping below the top, reaching STACK_INITIAL
    /// below `lowest` (the lowest address the initial stack uses).
    pub fn map_stack(&mut self, lowest: u64) -> Result<(), MmError> {
        let top = self.layout.stack_top;
        let start = ((lowest & !(PAGE_SIZE - 1)) - STACK_INITIAL).max(top - STACK_LIMIT);
        self.map(start, top, Perms::RW, Mapping::anon(Label::Stack))
    }

    /// Maps the signal trampoline just below the mmap base.
    pub fn map_vdso(&mut self) -> Result<(), MmError> {
        let vdso = VDSO.borrow().clone().ok_or(MmError::NoMemory)?;
        let at = self.find_free(PAGE_SIZE, 0).ok_or(MmError::NoMemory)?;
        let file = FileMap { file: vdso, offset: 0, zero_from: None, path: Rc::from("[vdso]"), writable: false };
        let backing = Mapping { file: Some(file), shared: false, label: Label::Vdso };
        self.map(at, at + PAGE_SIZE, Perms::RX, backing)?;
        self.vdso = at;
        Ok(())
    }

    /// The signal-return trampoline's address.
    pub fn vdso(&self) -> u64 {
        self.vdso
    }

    /// Places the (empty) heap a random gap above `program_end`.
    pub fn set_heap_start(&mut self, program_end: u64) {
        self.heap_start = page_up(program_end) + self.layout.brk_gap;
        self.brk = self.heap_start;
    }

    /// `brk(addr)`: moves the break within BRK_MAX of the heap start; returns
    /// the break in force afterwards (the old one when the move failed).
    pub fn set_brk(&mut self, addr: u64) -> u64 {
        if addr < self.heap_start || addr > self.heap_start + BRK_MAX {
            return self.brk;
        }
        let (old_end, new_end) = (page_up(self.brk), page_up(addr));
        let moved = if new_end > old_end {
            self.map(old_end, new_end, Perms::RW, Mapping::anon(Label::Heap)).is_ok()
        } else {
            self.unmap(new_end, old_end);
            true
        };
        if moved {
            self.brk = addr;
        }
        self.brk
    }

    /// Fault and copy counts.
    pub fn stats(&self) -> VmStats {
        self.uvm.stats()
    }

    /// Carries the counts of the program this space replaces (exec).
    pub fn add_stats(&mut self, stats: VmStats) {
        self.uvm.add_stats(stats);
    }

    /// The reclaim clock over this space: up to `want` pages to swap.
    pub fn reclaim(&mut self, want: usize) -> usize {
        self.uvm.reclaim(&mut FrameTables, want, RECLAIM_SCAN_PAGES)
    }

    /// Reads back the pages of this space in swap area `area` (swapoff).
    pub fn swap_in_area(&mut self, area: usize) -> Result<usize, FaultError> {
        self.uvm.swap_in_area(&mut FrameTables, area)
    }

    /// Pages of this space in swap (VmSwap).
    pub fn swapped_pages(&self) -> usize {
        self.uvm.swapped_pages()
    }

    /// Pages mapped (the zero page aside), now and at most.
    pub fn resident_pages(&self) -> (usize, usize) {
        (self.uvm.resident_pages(), self.uvm.peak_resident_pages())
    }

    /// Bytes of all mappings (VmSize).
    pub fn virtual_size(&self) -> u64 {
        self.vmas().iter().map(|v| v.len()).sum()
    }

    /// Resident pages by kind, for smaps_rollup.
    pub fn rollup(&self) -> Rollup {
        let zero = frame::zero_page();
        let mut r = Rollup::default();
        self.uvm.for_each_page(&mut FrameTables, &mut |_, _, pte| {
            let ppn = Ppn(pte_ppn(pte));
            if ppn == zero {
                return;
            }
            let cached = frame::is_cached(ppn);
            let maps = (frame::refs(ppn) - cached as u32).max(1) as u64;
            let dirty = !cached || pte & PTE_W != 0;
            r.rss += 1;
            r.pss_scaled += (PAGE_SIZE << 12) / maps;
            let kind = match (maps > 1, dirty) {
                (true, false) => &mut r.shared_clean,
                (true, true) => &mut r.shared_dirty,
                (false, false) => &mut r.private_clean,
                (false, true) => &mut r.private_dirty,
            };
            *kind += 1;
        });
        r
    }

    /// The futex key of the word at `va` (proc/futex_queue.rs): with
    /// `private` the space and address, mapped or not (as Linux, which
    /// looks nothing up for a private key); else, if `va` is mapped, the
    /// object and offset in a shared mapping, the space and address in any
    /// other. `None`: not mapped (EFAULT).
    pub fn futex_key(&self, va: u64, private: bool) -> Option<FutexKey> {
        if private {
            return Some(FutexKey::private(self.id, va));
        }
        let vma = self.vmas().find(va)?;
        Some(match (&vma.backing.file, vma.backing.shared) {
            (Some(f), true) => FutexKey::shared(f.file.ino(), f.offset + (va - vma.start)),
            _ => FutexKey::private(self.id, va),
        })
    }

    /// Drops the pages of file `ino` from file offset `from` on, in every
    /// mapping of it (the file was cut there).
    fn drop_file_pages(&mut self, ino: u64, from: u64) {
        let cut: Vec<(u64, u64)> = self
            .vmas()
            .iter()
            .filter_map(|v| {
                let f = v.backing.file.as_ref().filter(|f| f.file.ino() == ino)?;
                let start = v.start + from.saturating_sub(f.offset);
                (start < v.end).then_some((start.max(v.start), v.end))
            })
            .collect();
        for (start, end) in cut {
            self.discard(start, end);
        }
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        assert_ne!(cpu::satp(), self.satp(), "dropping the active address space");
        self.uvm.destroy(&mut FrameTables, USER_ROOT_ENTRIES);
        free_asid(self.uvm.asid());
    }
}

/// The file `ino` was cut to `len` bytes (ftruncate, O_TRUNC): every
/// mapping of it loses its pages past the new end, so touching them is a
/// SIGBUS, as in Linux.
pub fn file_truncated(ino: u64, len: u64) {
    for_each_space(&mut |space| space.drop_file_pages(ino, page_up(len)));
}

static PGFAULT: AtomicU64 = AtomicU64::new(0);
static PGMAJFAULT: AtomicU64 = AtomicU64::new(0);

/// (page faults, major page faults) since boot (/proc/vmstat).
pub fn fault_counts() -> (u64, u64) {
    (PGFAULT.load(Ordering::Relaxed), PGMAJFAULT.load(Ordering::Relaxed))
}

/// How mm reaches the address spaces, which the processes own: proc
/// registers these at boot.
#[derive(Clone, Copy)]
pub struct Spaces {
    /// Calls the function on the current process's space; false if none.
    pub current: fn(&mut dyn FnMut(&mut AddressSpace)) -> bool,
    /// Calls the function on every process's space that is not in use at
    /// the moment (the one a fault is being served in is skipped).
    pub each: fn(&mut dyn FnMut(&mut AddressSpace)),
}

static SPACES: Global<Option<Spaces>> = Global::new(None);

pub fn register_spaces(spaces: Spaces) {
    *SPACES.borrow_mut() = Some(spaces);
}

/// `f` on the current process's space, if there is one.
pub fn with_current<R>(f: impl FnOnce(&mut AddressSpace) -> R) -> Option<R> {
    let spaces = (*SPACES.borrow())?;
    let (mut f, mut out) = (Some(f), None);
    (spaces.current)(&mut |space| out = f.take().map(|f| f(space)));
    out
}

/// `f` on every process's space not in use.
pub fn for_each_space(f: &mut dyn FnMut(&mut AddressSpace)) {
    let Some(spaces) = *SPACES.borrow() else { return };
    (spaces.each)(f);
}
