//! Sv39 page tables for bare-metal tests (privileged spec 4.4): a bump allocator
//! of zeroed pages above the program image, a page table that maps leaves at any
//! level, access to single PTEs (for tests that tamper with them), and the
//! `satp`/`sfence.vma` instructions.
//!
//! Everything runs in M-mode, where translation is off, so page tables are
//! reached through their physical addresses.

use core::sync::atomic::{AtomicU64, Ordering};
use sv39_arch::csr::satp;
use sv39_arch::memmap::{DEFAULT_RAM_SIZE, RAM_BASE};
use sv39_arch::pte::{is_leaf, make_pte, pte_ppn, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X};
use sv39_arch::sv39::{level_size, vpn_index, LEVELS, PAGE_SIZE, PTE_SIZE};

extern "C" {
    static __heap_start: u8;
    static __stack_top: u8;
}

/// Leaf flags for supervisor pages with A and D preset (they never fault or
/// change under either A/D scheme of 4.3.1); `map` adds V.
pub const S_RWX: u64 = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
pub const S_RW: u64 = PTE_R | PTE_W | PTE_A | PTE_D;
pub const S_R: u64 = PTE_R | PTE_A | PTE_D;
pub const S_X: u64 = PTE_X | PTE_A | PTE_D;
pub const U_RWX: u64 = S_RWX | PTE_U;

/// A VA region tests map their pages in: 64 GiB, far from the identity-mapped
/// RAM and aligned for a 1 GiB leaf.
pub const TEST_VA: u64 = 0x10_0000_0000;

/// The next free page; 0 until the first allocation.
static NEXT_PAGE: AtomicU64 = AtomicU64::new(0);

/// Start of the pages `alloc_page` hands out (the end of the program image and its stack).
pub fn heap_start() -> u64 {
    // Only the address of the linker symbol is taken, which needs no unsafe.
    &raw const __heap_start as u64
}

/// Allocates one zeroed 4 KiB page and returns its physical address.
///
/// # Panics
/// When the page would lie beyond the first 128 MiB of RAM.
pub fn alloc_page() -> u64 {
    let mut pa = NEXT_PAGE.load(Ordering::Relaxed);
    if pa == 0 {
        pa = (heap_start() + PAGE_SIZE - 1) & !(PAGE_SIZE - 1);
    }
    assert!(pa + PAGE_SIZE <= RAM_BASE + DEFAULT_RAM_SIZE, "alloc_page: out of memory");
    NEXT_PAGE.store(pa + PAGE_SIZE, Ordering::Relaxed);
    // SAFETY: the page lies in RAM above the image and was never handed out before.
    unsafe { core::ptr::write_bytes(pa as *mut u8, 0, PAGE_SIZE as usize) };
    pa
}

/// Allocates `n` physically contiguous zeroed pages aligned to `align` bytes (a power
/// of two, at least 4 KiB); returns the physical address of the first.
/// Pages skipped to reach the alignment are lost.
pub fn alloc_pages_aligned(n: u64, align: u64) -> u64 {
    assert!(align.is_power_of_two() && align >= PAGE_SIZE);
    let first = alloc_page();
    let start = (first + align - 1) & !(align - 1);
    let end = start + n * PAGE_SIZE;
    let mut pa = first;
    while pa + PAGE_SIZE < end {
        pa = alloc_page();
    }
    start
}

/// The address of PTE `index` in the table at `table`.
fn entry(table: u64, index: usize) -> *mut u64 {
    (table + index as u64 * PTE_SIZE) as *mut u64
}

/// An Sv39 page table, identified by the physical address of its root.
pub struct PageTable {
    root: u64,
}

impl PageTable {
    /// An empty table (every root PTE invalid).
    pub fn new() -> PageTable {
        PageTable { root: alloc_page() }
    }

    /// Physical address of the root table.
    pub fn root(&self) -> u64 {
        self.root
    }

    /// Address of the PTE that translates `va` at `level`, creating the tables above
    /// it when `create`; None when the walk meets an invalid PTE or one pointing
    /// outside RAM (and not `create`).
    ///
    /// # Panics
    /// When a leaf above `level` is in the way.
    fn walk(&self, va: u64, level: usize, create: bool) -> Option<*mut u64> {
        let mut table = self.root;
        for l in (level + 1..LEVELS).rev() {
            let pte = entry(table, vpn_index(va, l));
            // SAFETY: `table` is a page-table page this PageTable owns.
            let val = unsafe { pte.read_volatile() };
            if val & PTE_V == 0 {
                if !create {
                    return None;
                }
                let next = alloc_page();
                // SAFETY: as above.
                unsafe { pte.write_volatile(make_pte(next, PTE_V)) };
                table = next;
            } else {
                assert!(!is_leaf(val), "walk: leaf at level {l} above level {level} for {va:#x}");
                table = pte_ppn(val) << 12;
                // A test may point a PTE outside RAM; reading there would trap.
                if !create && !(RAM_BASE..RAM_BASE + DEFAULT_RAM_SIZE).contains(&table) {
                    return None;
                }
            }
        }
        Some(entry(table, vpn_index(va, level)))
    }

    /// Maps one leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB): `va` -> `pa` with
    /// PTE `flags` (V is added), creating intermediate tables. `flags` is written as
    /// given apart from V: pass A and D unless the test is about them.
    ///
    /// # Panics
    /// When `va` or `pa` is not aligned to the leaf size, or a leaf above `level` is in the way.
    pub fn map(&mut self, va: u64, pa: u64, level: usize, flags: u64) {
        let size = level_size(level);
        assert!(va.is_multiple_of(size) && pa.is_multiple_of(size), "map: {va:#x} -> {pa:#x} misaligned for level {level}");
        let pte = self.walk(va, level, true).unwrap();
        // SAFETY: `pte` points into a page-table page this PageTable owns.
        unsafe { pte.write_volatile(make_pte(pa, flags | PTE_V)) };
    }

    /// Maps `[va, va + len)` -> `[pa, pa + len)` with 4 KiB leaves (`len` rounded up).
    pub fn map_range(&mut self, va: u64, pa: u64, len: u64, flags: u64) {
        let mut off = 0;
        while off < len {
            self.map(va + off, pa + off, 0, flags);
            off += PAGE_SIZE;
        }
    }

    /// Writes a raw PTE `value` (nothing added) for `va` at `level`, creating the tables
    /// above it: for invalid, reserved or misaligned entries that `map` refuses.
    pub fn set_pte(&mut self, va: u64, level: usize, value: u64) {
        let pte = self.walk(va, level, true).unwrap();
        // SAFETY: as in `map`.
        unsafe { pte.write_volatile(value) };
    }

    /// Address of the PTE for `va` at `level` (to read or tamper with A/D, V or
    /// reserved bits in tests); access it with volatile reads and writes.
    ///
    /// # Panics
    /// When no table at `level` exists on the path to `va`.
    pub fn pte_ptr(&self, va: u64, level: usize) -> *mut u64 {
        self.walk(va, level, false)
            .unwrap_or_else(|| panic!("pte_ptr: no level-{level} table for {va:#x}"))
    }

    /// The current value of the PTE for `va` at `level` (see `pte_ptr`).
    pub fn pte(&self, va: u64, level: usize) -> u64 {
        // SAFETY: `pte_ptr` returns a PTE inside a table this PageTable owns.
        unsafe { self.pte_ptr(va, level).read_volatile() }
    }

    /// As `pte`, or None when no level-`level` table lies on the path to `va`.
    pub fn try_pte(&self, va: u64, level: usize) -> Option<u64> {
        // SAFETY: `walk` returns a PTE inside a table this PageTable owns.
        self.walk(va, level, false).map(|pte| unsafe { pte.read_volatile() })
    }

    /// The `satp` value selecting this table in Sv39 mode with `asid`.
    pub fn satp(&self, asid: u16) -> u64 {
        satp::sv39(asid, self.root >> 12)
    }
}

impl Default for PageTable {
    fn default() -> Self {
        Self::new()
    }
}

/// Identity-maps the program image, from the start of RAM through the boot stack
/// (`__stack_top`), with 4 KiB leaves and PTE `flags` (e.g. R|W|X|A|D, plus U for
/// U-mode code). This covers text, data, bss (with `trap`'s S/U stack, handler
/// records and trampoline) and the boot stack; pages from `alloc_page` are not
/// included.
pub fn identity_map_image(pt: &mut PageTable, flags: u64) {
    let end = &raw const __stack_top as u64;
    pt.map_range(RAM_BASE, RAM_BASE, end - RAM_BASE, flags);
}

/// `sfence.vma zero, zero`: orders all earlier page-table writes before later
/// translations and flushes every cached translation.
pub fn sfence_vma_all() {
    // SAFETY: a fence changes no memory the compiler knows of.
    unsafe { core::arch::asm!("sfence.vma zero, zero") };
}

/// `sfence.vma va, asid`: flushes the translations of `va` in address space `asid`
/// (global mappings excepted, privileged spec 4.2.1).
pub fn sfence_vma(va: u64, asid: u64) {
    // SAFETY: as in `sfence_vma_all`.
    unsafe { core::arch::asm!("sfence.vma {}, {}", in(reg) va, in(reg) asid) };
}

/// `sfence.vma va, zero`: flushes the translations of `va` in every address space,
/// global mappings included.
pub fn sfence_vma_addr(va: u64) {
    // SAFETY: as in `sfence_vma_all`.
    unsafe { core::arch::asm!("sfence.vma {}, zero", in(reg) va) };
}

/// `sfence.vma zero, asid`: flushes every non-global translation of address space `asid`.
pub fn sfence_vma_asid(asid: u64) {
    // SAFETY: as in `sfence_vma_all`.
    unsafe { core::arch::asm!("sfence.vma zero, {}", in(reg) asid) };
}

/// Writes `satp` and then flushes all cached translations with `sfence.vma`.
pub fn set_satp(value: u64) {
    // SAFETY: M-mode fetches and accesses (MPRV = 0) are not translated, so the
    // new address space affects only later S/U-mode code.
    unsafe { core::arch::asm!("csrw satp, {}", "sfence.vma zero, zero", in(reg) value) };
}

/// `csrw satp` without the fence `set_satp` adds ("writing satp does not imply any
/// ... invalidation of address-translation caches", 4.1.11).
pub fn write_satp(v: u64) {
    // SAFETY: M-mode is not translated (MPRV = 0); only S/U runs use the value.
    unsafe { core::arch::asm!("csrw satp, {}", in(reg) v) };
}

/// Reads `satp`.
pub fn satp() -> u64 {
    let v: u64;
    // SAFETY: reading a CSR has no side effects.
    unsafe { core::arch::asm!("csrr {}, satp", out(reg) v) };
    v
}
