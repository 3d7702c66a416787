//! The address space a [`Case`] runs in: a page table with the program image
//! identity-mapped (U = 1 for U-mode cases, so S-mode never runs from it), the
//! page under test mapped as the case says, its contents, PMP, `satp`; then
//! the access itself and snapshots of the state the checks compare.
//!
//! Page contents: every doubleword holds [`pattern`] of its physical address,
//! so a value read shows which physical bytes the translation reached; a fetch
//! runs `li a0, tag; ret` (or `c.li`/`c.jr`) written at the address, where the
//! tag comes from the physical page.

use crate::case::{Case, Map, Pmp};
use bare::access::{acc_mprv, addr_of, fence_i, read8, write64, write8, Access};
use bare::check::{expect_ok, Outcome};
use bare::paging::{alloc_page, alloc_pages_aligned, identity_map_image, set_satp, write_satp, PageTable};
use bare::paging::{S_RWX, TEST_VA, U_RWX};
use bare::trap::{self, Taken};
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::memmap::{DEFAULT_RAM_SIZE, RAM_BASE};
use sv39_arch::pte::make_pte;
use sv39_arch::sv39::{level_size, LEVELS, PAGE_SIZE};

/// The value stored at physical address `pa` in test pages.
pub fn pattern(pa: u64) -> u64 {
    0x5eed_0000_0000_0000 | pa
}

/// A leaf mapping at `level`: `[va, va + size)` -> `[pa, pa + size)`.
#[derive(Clone, Copy)]
struct Leaf {
    va: u64,
    pa: u64,
    size: u64,
    level: usize,
}

/// A case's page table, the address it accesses and the pages behind it.
pub struct Space {
    pt: PageTable,
    /// The address accessed.
    pub va: u64,
    leaf: Option<Leaf>,
    /// The page after the accessed one: (va, pa).
    next: Option<(u64, u64)>,
    /// The access is physical (Bare, or an untranslated MPRV fetch).
    physical: bool,
    /// Physical ranges this space allocated and fills: [start, end).
    owned: [(u64, u64); 2],
}

/// The state a case's checks compare before and after the access.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// The 8 bytes at the accessed address, where they are RAM.
    pub bytes: [Option<u8>; 8],
    /// The leaf PTE, the next page's leaf PTE, and the pointer PTEs above
    /// the leaf (by level).
    pub leaf_pte: Option<u64>,
    pub next_pte: Option<u64>,
    pub pointers: [Option<u64>; LEVELS],
}

impl Space {
    /// Sets up the hart and memory for `case`, ending with `satp` written.
    pub fn build(case: &Case) -> Space {
        prepare_hart();
        let mut space = Space::new(case);
        space.map(case);
        space.fill(case);
        if let Some((on, rwx)) = case.pmp {
            bare::pmp_restrict_page(space.pmp_page(on), rwx);
        }
        match case.map {
            Map::Bare => write_satp(0),
            _ => set_satp(space.pt.satp(0)),
        }
        space
    }

    /// A page table with the image mapped, the physical pages of the case and
    /// the address it accesses; nothing of the case mapped yet.
    fn new(case: &Case) -> Space {
        let mut pt = PageTable::new();
        identity_map_image(&mut pt, if case.mode == Priv::U { U_RWX } else { S_RWX });
        let level = case.level();
        let (region, target) = backing(level);
        let at = case.at.unwrap_or_else(|| default_offset(level, target, case.access));
        let va = match case.va {
            Some(va) => va,
            None if case.va_pa => region + at,
            None => TEST_VA + at,
        };
        let owned = if level == 1 { (region, region + level_size(1)) } else { (target, target + PAGE_SIZE) };
        let leaf = Leaf { va: sext39(va) & !(level_size(level) - 1), pa: region, size: level_size(level), level };
        Space { pt, va, leaf: Some(leaf), next: None, physical: case.va_pa, owned: [owned, (0, 0)] }
    }

    /// Writes the case's leaf (or none), flips its PTE bits, maps the next page.
    fn map(&mut self, case: &Case) {
        let leaf = self.leaf.take().expect("Space::new sets the leaf's place");
        if let Map::Leaf { level, flags, ppn_offset } = case.map {
            self.pt.set_pte(leaf.va, level, make_pte(leaf.pa + ppn_offset * PAGE_SIZE, flags));
            self.leaf = Some(leaf);
        }
        if let Some((level, bits)) = case.flip {
            // SAFETY: the PTE is in a table of `pt`, on the path just built.
            unsafe { *self.pt.pte_ptr(leaf.va, level) ^= bits };
        }
        if let Some(flags) = case.next {
            let (next_va, next_pa) = ((self.va & !(PAGE_SIZE - 1)) + PAGE_SIZE, alloc_page());
            self.pt.set_pte(next_va, 0, make_pte(next_pa, flags));
            self.next = Some((next_va, next_pa));
            self.owned[1] = (next_pa, next_pa + PAGE_SIZE);
        }
    }

    /// The physical address behind `va`, as this space mapped it.
    pub fn pa_of(&self, va: u64) -> Option<u64> {
        if self.physical {
            return Some(va);
        }
        if let Some(l) = self.leaf.filter(|l| va.wrapping_sub(l.va) < l.size) {
            return Some(l.pa + (va - l.va));
        }
        self.next.filter(|&(nva, _)| va.wrapping_sub(nva) < PAGE_SIZE).map(|(nva, npa)| npa + (va - nva))
    }

    /// Whether the access (8 bytes of data, or the fetched code) runs into
    /// the next page.
    pub fn crosses(&self, case: &Case) -> bool {
        let footprint = if case.access == Access::Fetch && case.compressed { 4 } else { 8 };
        (self.va & (PAGE_SIZE - 1)) + footprint > PAGE_SIZE
    }

    /// Whether the case may write `pa` (a page it allocated).
    fn owns(&self, pa: u64) -> bool {
        self.owned.iter().any(|&(start, end)| (start..end).contains(&pa))
    }

    /// Fills the pages around the access with the pattern and, for a fetch,
    /// writes the code at the address.
    fn fill(&self, case: &Case) {
        for va in [self.va, self.va.wrapping_add(7)] {
            if let Some(page) = self.pa_of(va).filter(|&pa| self.owns(pa)).map(|pa| pa & !(PAGE_SIZE - 1)) {
                (page..page + PAGE_SIZE).step_by(8).for_each(|pa| write64(pa, pattern(pa)));
            }
        }
        if case.access == Access::Fetch || case.warm.is_some_and(|(_, access, _)| access == Access::Fetch) {
            let code = fetch_code(self.fetch_tag(case.compressed), case.compressed);
            for (i, byte) in code.iter().enumerate() {
                if let Some(pa) = self.pa_of(self.va + i as u64).filter(|&pa| self.owns(pa)) {
                    write8(pa, *byte);
                }
            }
            fence_i();
        }
    }

    /// The value the fetched code puts in a0: nonzero, from the target page.
    pub fn fetch_tag(&self, compressed: bool) -> u64 {
        let page = self.owned[0].0 >> 12;
        if compressed {
            1 + page % 30
        } else {
            1 + page % 2000
        }
    }

    fn pmp_page(&self, on: Pmp) -> u64 {
        match on {
            Pmp::Table(level) => self.pt.pte_ptr(self.leaf_va(), level) as u64 & !(PAGE_SIZE - 1),
            Pmp::Leaf => self.pa_of(self.va).expect("pmp: the access has no physical page") & !(PAGE_SIZE - 1),
        }
    }

    /// The VA the leaf (or the walk) is for.
    fn leaf_va(&self) -> u64 {
        self.leaf.map_or(sext39(self.va), |l| l.va)
    }

    /// The bytes at the access, the leaf PTE and the pointers above it.
    pub fn snapshot(&self) -> Snapshot {
        let ram = RAM_BASE..RAM_BASE + DEFAULT_RAM_SIZE;
        let bytes = core::array::from_fn(|i| {
            self.pa_of(self.va.wrapping_add(i as u64)).filter(|pa| ram.contains(pa)).map(read8)
        });
        let leaf_level = self.leaf.map_or(0, |l| l.level);
        let pte = |level| if self.physical { None } else { self.pt.try_pte(self.leaf_va(), level) };
        Snapshot {
            bytes,
            leaf_pte: self.leaf.and_then(|l| pte(l.level)),
            next_pte: self.next.and_then(|(va, _)| self.pt.try_pte(va, 0)),
            pointers: core::array::from_fn(|level| if level > leaf_level { pte(level) } else { None }),
        }
    }

    /// Does the case's access and returns what `bare::trap::run` saw.
    pub fn perform(&self, case: &Case) -> Result<u64, Taken> {
        if case.delegated {
            set_medeleg(FAULTS);
        }
        let result = self.access(case.mode, case.mprv, case.access, case.status);
        set_medeleg(0);
        bare::pmp_allow_all();
        result
    }

    /// Check 10: the case's first access (`Case::cached`), if any, completes.
    /// It runs in its mode when the image is executable there, else from M
    /// with MPRV.
    pub fn warm(&self, case: &Case) -> Outcome {
        let Some((mode, access, status)) = case.warm else { return Ok(()) };
        let direct = (mode == Priv::U) == (case.mode == Priv::U);
        let r = match direct {
            true => self.access(mode, None, access, status),
            false => self.access(Priv::M, Some(mode), access, status),
        };
        expect_ok(10, r.map_err(|t| t.trap), "the access caching the translation").map(|_| ())
    }

    /// `access` at the address from `mode` (M with MPRV and MPP = `mprv`)
    /// with `status` set in mstatus meanwhile.
    fn access(&self, mode: Priv, mprv: Option<Priv>, access: Access, status: u64) -> Result<u64, Taken> {
        bare::mstatus_set(status);
        let routine = access.routine(self.va);
        let result = match mprv {
            None => trap::run(mode, routine, self.va),
            Some(mpp) => {
                let bits = mstatus::MPRV | (mpp as u64) << mstatus::MPP_SHIFT;
                let args = [addr_of(routine), self.va, bits];
                trap::run(Priv::M, acc_mprv, args.as_ptr() as u64)
            }
        };
        bare::mstatus_clear(status);
        result
    }
}

/// Page and access faults, for `medeleg` (causes 1, 5, 7, 12, 13, 15).
const FAULTS: u64 = 1 << 1 | 1 << 5 | 1 << 7 | 1 << 12 | 1 << 13 | 1 << 15;

fn set_medeleg(bits: u64) {
    // SAFETY: delegation changes only where later traps go; run() handles both.
    unsafe { core::arch::asm!("csrw medeleg, {}", in(reg) bits) };
}

/// A known hart state: PMP open to S/U, handlers installed, nothing
/// delegated, translation-related `mstatus` bits clear.
pub fn prepare_hart() {
    bare::pmp_allow_all();
    trap::init();
    set_medeleg(0);
    bare::mstatus_clear(mstatus::SUM | mstatus::MXR | mstatus::MPRV | mstatus::MPP | mstatus::TVM);
}

/// The physical region a leaf at `level` maps, and the fresh page the access
/// goes to by default: 4 KiB -> a page; 2 MiB -> an aligned region of fresh
/// pages; 1 GiB -> the gigabyte at the start of RAM, around a fresh page.
fn backing(level: usize) -> (u64, u64) {
    match level {
        0 => {
            let page = alloc_page();
            (page, page)
        }
        1 => {
            let region = alloc_pages_aligned(512, level_size(1));
            (region, region + SUPERPAGE_OFFSET)
        }
        _ => (RAM_BASE, alloc_page()),
    }
}

/// Where in a 2 MiB region the access goes by default: a page in the middle.
const SUPERPAGE_OFFSET: u64 = 0x12_3000;

/// The default offset of the access from the leaf's region: data at 0x800 of
/// the target page, fetches at its start.
fn default_offset(level: usize, target: u64, access: Access) -> u64 {
    let in_page = if access == Access::Fetch { 0 } else { 0x800 };
    match level {
        0 => in_page,
        1 => SUPERPAGE_OFFSET + in_page,
        _ => target - RAM_BASE + in_page,
    }
}

/// `li a0, tag; ret`, or `c.li a0, tag; c.jr ra` (8 or 4 bytes).
fn fetch_code(tag: u64, compressed: bool) -> [u8; 8] {
    if compressed {
        let c_li = 0x4501 | ((tag & 0x1f) << 2) as u16 | (((tag >> 5) & 1) << 12) as u16;
        let [a, b] = c_li.to_le_bytes();
        let [c, d] = 0x8082u16.to_le_bytes();
        [a, b, c, d, 0, 0, 0, 0]
    } else {
        let li = ((tag << 20) | 0x513) as u32;
        let mut code = [0u8; 8];
        code[..4].copy_from_slice(&li.to_le_bytes());
        code[4..].copy_from_slice(&0x0000_8067u32.to_le_bytes());
        code
    }
}

/// `va` with bits 63:39 copied from bit 38: its canonical Sv39 twin.
pub fn sext39(va: u64) -> u64 {
    (((va << 25) as i64) >> 25) as u64
}

/// Whether `va` is a canonical Sv39 address (4.4.1).
pub fn canonical(va: u64) -> bool {
    sext39(va) == va
}
