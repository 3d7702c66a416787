//! A process's address space: its VMAs, the page table that caches them, and
//! its ASID. The user half (root entries 0-255) is private; the upper half is
//! the kernel's, shared.
//!
//! Every page of a VMA is populated when the VMA is made (ELF segments, heap,
//! stack); issue 4 fills them on demand from the same VMAs instead. Each
//! mapped PTE holds one reference to its frame (see mm/frame.rs).

use super::frame::{Frame, OutOfMemory};
use super::kernel_space::{self, FrameTables};
use crate::cpu;
use crate::memlayout::{phys_to_virt, BRK_MAX, USER_ROOT_ENTRIES, USER_STACK_SIZE, USER_STACK_TOP, USER_TOP};
use crate::sync::Global;
use guest_os::mm::page_table::{Flush, MapError, PageSize, PageTable};
use guest_os::mm::vma::{Perms, Vma, VmaError, VmaSet};
use sv39_arch::pte::{pte_ppn, PTE_R, PTE_U, PTE_W, PTE_X};
use sv39_arch::sv39::PAGE_SIZE;
use sv39_arch::{Ppn, VirtAddr};

/// What a mapping is for (the name `/proc/PID/maps` gives it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// A segment of the program file.
    Program,
    Heap,
    Stack,
}

/// The backing of a VMA: anonymous, zero-filled memory (ELF contents are
/// copied into it at exec until issue 4 maps files).
#[derive(Clone, Debug)]
pub struct Mapping {
    pub label: Label,
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

    fn perm(self) -> Perms {
        match self {
            Access::Read => Perms::R,
            Access::Write => Perms::W,
            Access::Execute => Perms::X,
        }
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

fn uva(x: u64) -> VirtAddr {
    VirtAddr::new(x).unwrap_or_default()
}

/// The leaf flags for `perms` in user mode (W alone is reserved: add R).
fn pte_flags(perms: Perms) -> u64 {
    let mut f = PTE_U;
    if perms.allows(Perms::R) || perms.allows(Perms::W) {
        f |= PTE_R;
    }
    if perms.allows(Perms::W) {
        f |= PTE_W;
    }
    if perms.allows(Perms::X) {
        f |= PTE_X;
    }
    f
}

pub struct AddressSpace {
    table: PageTable,
    vmas: VmaSet<Mapping>,
    asid: u16,
    /// The heap VMA's start and the current break.
    heap_start: u64,
    brk: u64,
}

impl AddressSpace {
    /// An empty user half over the kernel's upper half.
    pub fn new() -> Result<AddressSpace, OutOfMemory> {
        let mut table = PageTable::new(&mut FrameTables).map_err(|_| OutOfMemory)?;
        kernel_space::share_kernel_half(&mut table);
        Ok(AddressSpace { table, vmas: VmaSet::new(), asid: alloc_asid(), heap_start: 0, brk: 0 })
    }

    /// The `satp` value that selects this space.
    pub fn satp(&self) -> u64 {
        sv39_arch::csr::satp::sv39(self.asid, self.table.root().ppn().0)
    }

    /// Makes this the hart's address space.
    pub fn activate(&self) {
        cpu::switch_satp(self.satp(), self.asid == 0);
    }

    fn flush(&self, f: Flush) {
        cpu::sfence_vma(f.into_va().as_u64(), self.asid);
    }

    /// Adds a VMA `[start, end)` and backs each page with a zeroed frame.
    pub fn map_anonymous(&mut self, start: u64, end: u64, perms: Perms, label: Label) -> Result<(), MmError> {
        if end > USER_TOP {
            return Err(MmError::BadRange);
        }
        self.vmas.insert(Vma { start, end, perms, backing: Mapping { label } })?;
        if let Err(e) = self.populate(start, end, perms) {
            self.unmap_pages(start, end);
            self.vmas.remove(start);
            return Err(e);
        }
        Ok(())
    }

    /// Maps a fresh zeroed frame at every page of `[start, end)`.
    fn populate(&mut self, start: u64, end: u64, perms: Perms) -> Result<(), MmError> {
        for va in (start..end).step_by(PAGE_SIZE as usize) {
            let frame = Frame::alloc()?;
            self.map_frame(va, frame, pte_flags(perms))?;
        }
        Ok(())
    }

    /// Maps `frame` at `va`; the PTE takes the frame's reference.
    fn map_frame(&mut self, va: u64, frame: Frame, flags: u64) -> Result<(), MmError> {
        match self.table.map(&mut FrameTables, uva(va), frame.pa(), PageSize::Size4K, flags) {
            Ok(flush) => {
                self.flush(flush);
                let _ = frame.into_raw();
                Ok(())
            }
            Err(MapError::NoMemory) => Err(MmError::NoMemory),
            Err(_) => Err(MmError::BadRange),
        }
    }

    /// Unmaps whatever is mapped in `[start, end)` and drops the frames.
    fn unmap_pages(&mut self, start: u64, end: u64) {
        for va in (start..end).step_by(PAGE_SIZE as usize) {
            if let Ok((pte, flush)) = self.table.unmap(&mut FrameTables, uva(va)) {
                self.flush(flush);
                // SAFETY: the PTE held the reference `map_frame` gave it.
                drop(unsafe { Frame::from_raw(Ppn(pte_ppn(pte))) });
            }
        }
    }

    /// The frame mapped at `va`, borrowed for the kernel to fill.
    fn frame_bytes(&self, va: u64) -> Option<&'static mut [u8]> {
        let pa = self.table.translate(&FrameTables, uva(va & !(PAGE_SIZE - 1)))?;
        // SAFETY: the page is a user frame of this space, alive while mapped;
        // the kernel fills it before the process runs (exec) or while the
        // process is stopped in the kernel.
        Some(unsafe { core::slice::from_raw_parts_mut(phys_to_virt(pa).as_u64() as *mut u8, PAGE_SIZE as usize) })
    }

    /// Copies `data` to user address `va` through the kernel's direct map.
    pub fn write(&mut self, va: u64, data: &[u8]) -> Result<(), MmError> {
        let mut done = 0;
        while done < data.len() {
            let at = va + done as u64;
            let offset = (at % PAGE_SIZE) as usize;
            let n = (PAGE_SIZE as usize - offset).min(data.len() - done);
            let page = self.frame_bytes(at).ok_or(MmError::BadRange)?;
            page[offset..offset + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
        Ok(())
    }

    /// Sets up the stack VMA below USER_STACK_TOP.
    pub fn map_stack(&mut self) -> Result<(), MmError> {
        self.map_anonymous(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, Perms::RW, Label::Stack)
    }

    /// Places the (empty) heap at `start`, page-aligned up.
    pub fn set_heap_start(&mut self, start: u64) {
        self.heap_start = (start + PAGE_SIZE - 1) & !(PAGE_SIZE - 1);
        self.brk = self.heap_start;
    }

    /// `brk(addr)`: moves the break within BRK_MAX of the heap start; returns
    /// the break in force afterwards (the old one when the move failed).
    pub fn set_brk(&mut self, addr: u64) -> u64 {
        if addr < self.heap_start || addr > self.heap_start + BRK_MAX {
            return self.brk;
        }
        let old_end = (self.brk + PAGE_SIZE - 1) & !(PAGE_SIZE - 1);
        let new_end = (addr + PAGE_SIZE - 1) & !(PAGE_SIZE - 1);
        if self.resize_heap(old_end, new_end).is_ok() {
            self.brk = addr;
        }
        self.brk
    }

    /// Moves the heap VMA's end from `old_end` to `new_end`.
    fn resize_heap(&mut self, old_end: u64, new_end: u64) -> Result<(), MmError> {
        let start = self.heap_start;
        if new_end > old_end {
            if old_end == start {
                return self.map_anonymous(start, new_end, Perms::RW, Label::Heap);
            }
            self.vmas.set_end(start, new_end)?;
            if let Err(e) = self.populate(old_end, new_end, Perms::RW) {
                self.unmap_pages(old_end, new_end);
                self.vmas.set_end(start, old_end)?;
                return Err(e);
            }
        } else if new_end < old_end {
            self.unmap_pages(new_end, old_end);
            if new_end == start {
                self.vmas.remove(start);
            } else {
                self.vmas.set_end(start, new_end)?;
            }
        }
        Ok(())
    }

    /// A copy of this space for a child (fork): same VMAs, each page copied.
    pub fn fork(&self) -> Result<AddressSpace, MmError> {
        let mut child = AddressSpace::new()?;
        child.heap_start = self.heap_start;
        child.brk = self.brk;
        for vma in self.vmas.iter() {
            child.vmas.insert(vma.clone())?;
            for va in (vma.start..vma.end).step_by(PAGE_SIZE as usize) {
                let Some(src) = self.frame_bytes(va) else { continue };
                let mut frame = Frame::alloc()?;
                frame.bytes_mut().copy_from_slice(src);
                child.map_frame(va, frame, pte_flags(vma.perms))?;
            }
        }
        Ok(child)
    }

    /// Why an access of kind `access` at `va` faulted, for the fault report.
    pub fn fault_reason(&self, va: u64, access: Access) -> &'static str {
        match self.vmas.find(va) {
            Some(v) if !v.perms.allows(access.perm()) => match access {
                Access::Write => "write to read-only memory",
                Access::Execute => "execute of non-executable memory",
                Access::Read => "read of unreadable memory",
            },
            Some(_) => "page not present",
            None if (USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE..USER_STACK_TOP).contains(&va) => "stack guard page",
            None => "no mapping",
        }
    }

    /// The VMAs, in address order.
    pub fn vmas(&self) -> impl Iterator<Item = &Vma<Mapping>> {
        self.vmas.iter()
    }

    /// Pages mapped in the user half.
    pub fn resident_pages(&self) -> usize {
        let mut n = 0;
        self.table.for_each_leaf(&FrameTables, USER_ROOT_ENTRIES, &mut |_, _| n += 1);
        n
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        assert_ne!(cpu::satp(), self.satp(), "dropping the active address space");
        self.table.free_range(&mut FrameTables, USER_ROOT_ENTRIES, &mut |_, pte| {
            // SAFETY: each user leaf held one frame reference.
            drop(unsafe { Frame::from_raw(Ppn(pte_ppn(pte))) });
        });
        self.table.free_root(&mut FrameTables);
        free_asid(self.asid);
    }
}
