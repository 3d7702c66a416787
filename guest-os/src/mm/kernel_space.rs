//! The kernel's half of every address space, built at boot with least
//! privilege (memlayout.rs has the map): text R-X, rodata R--, data and bss
//! RW- (minus the boot stack's guard page), the rest of RAM RW- through the
//! direct map, devices RW-, nothing both writable and executable, all global.
//! Kernel stacks are mapped and unmapped here as processes come and go.

use super::frame::Frame;
use crate::cpu;
use crate::memlayout::{self, phys_to_virt, KSTACK_BASE, KSTACK_PAGES, KSTACK_SLOT, PHYS_OFFSET};
use crate::sync::Global;
use guest_os::mm::page_table::{best_size, Flush, MapError, PageSize, PageTable, TableMemory};
use sv39_arch::pte::{PTE_G, PTE_R, PTE_W, PTE_X};
use sv39_arch::sv39::{vpn_index, PAGE_SIZE};
use sv39_arch::{PhysAddr, Ppn, VirtAddr};

/// Page-table pages come from the frame pool and are reached through the
/// direct map.
pub struct FrameTables;

impl TableMemory for FrameTables {
    fn alloc_table(&mut self) -> Option<PhysAddr> {
        Frame::alloc().ok().map(|f| f.into_raw().addr())
    }

    fn free_table(&mut self, table: PhysAddr) {
        // SAFETY: `table` came from `alloc_table`, which gave up its reference.
        drop(unsafe { Frame::from_raw(table.ppn()) });
    }

    fn read_pte(&self, table: PhysAddr, index: usize) -> u64 {
        // SAFETY: table pages are frames in the direct map; index < 512.
        unsafe { (phys_to_virt(table).as_u64() as *const u64).add(index).read_volatile() }
    }

    fn write_pte(&mut self, table: PhysAddr, index: usize, pte: u64) {
        // SAFETY: as in `read_pte`.
        unsafe { (phys_to_virt(table).as_u64() as *mut u64).add(index).write_volatile(pte) }
    }
}

static KERNEL: Global<Option<PageTable>> = Global::new(None);

/// Flushes a global (kernel) translation: `sfence.vma va, zero`.
fn flush_global(f: Flush) {
    cpu::sfence_vma_global(f.into_va().as_u64());
}

fn kva(x: u64) -> VirtAddr {
    VirtAddr::new(x).unwrap_or_else(|_| panic!("{x:#x} is not a kernel address"))
}

/// Maps `[pa, pa + len)` at `PHYS_OFFSET + pa` with the largest leaves that fit.
fn map_direct(pt: &mut PageTable, pa: u64, len: u64, flags: u64) -> Result<(), MapError> {
    let end = pa + len;
    let mut at = pa;
    while at < end {
        let size = best_size(PHYS_OFFSET + at, at, end - at);
        pt.map(&mut FrameTables, kva(PHYS_OFFSET + at), PhysAddr(at), size, flags | PTE_G)?.ignore();
        at += size.bytes();
    }
    Ok(())
}

/// Kernel virtual `[start, end)` of the image, mapped at its physical place.
fn map_image_range(pt: &mut PageTable, start: u64, end: u64, flags: u64) -> Result<(), MapError> {
    let pa = memlayout::virt_to_phys(start).as_u64();
    map_direct(pt, pa, end - start, flags)
}

/// Builds the kernel page table for RAM `[ram_base, ram_end)` and devices
/// `devices`, leaving the page at `guard` (below the boot stack) unmapped,
/// and switches to it.
pub fn init(ram_base: u64, ram_end: u64, devices: &[(u64, u64)], guard: u64) -> Result<(), MapError> {
    let s = memlayout::kernel_sections();
    let mut pt = PageTable::new(&mut FrameTables)?;
    map_image_range(&mut pt, s.start, s.text_end, PTE_R | PTE_X)?;
    map_image_range(&mut pt, s.text_end, s.rodata_end, PTE_R)?;
    map_image_range(&mut pt, s.rodata_end, guard, PTE_R | PTE_W)?;
    map_image_range(&mut pt, guard + PAGE_SIZE, s.end, PTE_R | PTE_W)?;
    let image_end = memlayout::virt_to_phys(s.end).as_u64();
    debug_assert!(image_end > ram_base);
    map_direct(&mut pt, image_end, ram_end - image_end, PTE_R | PTE_W)?;
    for &(base, size) in devices {
        let (start, end) = (base & !(PAGE_SIZE - 1), (base + size + PAGE_SIZE - 1) & !(PAGE_SIZE - 1));
        map_direct(&mut pt, start, end - start, PTE_R | PTE_W)?;
    }
    preallocate_kstack_table(&mut pt)?;
    cpu::switch_satp(sv39_arch::csr::satp::sv39(0, pt.root().ppn().0), true);
    *KERNEL.borrow_mut() = Some(pt);
    Ok(())
}

/// Creates the level-1 table under the kernel-stack region's root entry now,
/// so address spaces that copy the kernel's root entries see every stack.
fn preallocate_kstack_table(pt: &mut PageTable) -> Result<(), MapError> {
    let last = KSTACK_BASE + KSTACK_SLOT * memlayout::MAX_PROCS as u64 - 1;
    assert_eq!(vpn_index(KSTACK_BASE, 2), vpn_index(last, 2), "kernel stacks must share one root entry");
    pt.prepare(&mut FrameTables, kva(KSTACK_BASE), 1)
}

/// Runs `f` on the kernel page table.
fn with_kernel<R>(f: impl FnOnce(&mut PageTable) -> R) -> R {
    let mut k = KERNEL.borrow_mut();
    f(k.as_mut().expect("kernel page table used before kernel_space::init"))
}

/// `satp` of the kernel page table (ASID 0).
pub fn kernel_satp() -> u64 {
    with_kernel(|pt| sv39_arch::csr::satp::sv39(0, pt.root().ppn().0))
}

/// Points a new user page table's upper half at the kernel's tables.
pub fn share_kernel_half(user: &mut PageTable) {
    with_kernel(|k| user.share_root_entries(&mut FrameTables, k, memlayout::KERNEL_ROOT_ENTRIES));
}

/// A kernel stack: `KSTACK_PAGES` frames mapped in slot `slot`, with an
/// unmapped guard page below them. Unmapped and freed on drop.
pub struct KernelStack {
    slot: usize,
}

impl KernelStack {
    /// Maps a fresh stack in `slot`.
    pub fn new(slot: usize) -> Result<KernelStack, super::frame::OutOfMemory> {
        let stack = KernelStack { slot };
        for i in 0..KSTACK_PAGES {
            let frame = Frame::alloc()?;
            let va = kva(stack.bottom() + i * PAGE_SIZE);
            let mapped =
                with_kernel(|pt| pt.map(&mut FrameTables, va, frame.pa(), PageSize::Size4K, PTE_R | PTE_W | PTE_G));
            match mapped {
                Ok(flush) => flush_global(flush),
                Err(_) => return Err(super::frame::OutOfMemory),
            }
            let _ = frame.into_raw();
        }
        Ok(stack)
    }

    /// The lowest mapped address (the guard page is just below).
    fn bottom(&self) -> u64 {
        KSTACK_BASE + self.slot as u64 * KSTACK_SLOT + PAGE_SIZE
    }

    /// The address just above the stack.
    pub fn top(&self) -> u64 {
        self.bottom() + KSTACK_PAGES * PAGE_SIZE
    }
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        for i in 0..KSTACK_PAGES {
            let va = kva(self.bottom() + i * PAGE_SIZE);
            if let Ok((pte, flush)) = with_kernel(|pt| pt.unmap(&mut FrameTables, va)) {
                flush_global(flush);
                // SAFETY: the PTE held the reference `new` gave up.
                drop(unsafe { Frame::from_raw(Ppn(sv39_arch::pte::pte_ppn(pte))) });
            }
        }
    }
}
