//! The hart's memory management unit: Bare and Sv39 translation with three
//! TLBs (fetch, load, store), PMP, and the load/store paths of the hart.
//!
//! Hot path: a load or store that hits its TLB costs a tag compare, an ASID
//! compare and an add, then a host memory access. Everything else (misses,
//! page crossings, MMIO, `--strict-tlb` checks) goes out of line.

pub mod pmp;
pub mod tlb;
pub mod walk;

use crate::bus::Bus;
use crate::hart::exception::{Access, Exception};
use crate::hart::Hart;
use crate::trace::event::{HartEvent, TranslateFault};
use sv39_arch::addr::VirtAddr;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_G};
use sv39_arch::sv39::PAGE_SIZE;
use std::collections::HashSet;
use tlb::{Tlb, TlbEntry, GLOBAL};
use walk::{AdPolicy, Leaf, WalkRequest, WalkSteps};

pub struct Mmu {
    pub fetch_tlb: Tlb,
    pub load_tlb: Tlb,
    pub store_tlb: Tlb,
    fetch_prv: Priv,
    data_prv: Priv,
    sum: bool,
    mxr: bool,
    /// From satp: translation on, the ASID (TLB tag) and the root table.
    sv39: bool,
    asid: u32,
    root_ppn: u64,
    pub ad: AdPolicy,
    pub strict: bool,
    /// Page walks by the number of PTEs they read (index 1-3).
    pub walk_depths: [u64; 4],
    /// Page faults by effective privilege (U, S, -, M) and access (fetch, load, store).
    pub page_faults: [[u64; 3]; 4],
    /// The PTEs the last walk read, for the walk event.
    last_walk: WalkSteps,
    /// `--strict-tlb` findings already reported: (va page, asid).
    stale_seen: HashSet<(u64, u32)>,
    pub stale_reports: u64,
}

/// The bits of a PTE whose change requires an sfence.vma to be seen (all but
/// A and D, which the hart itself may set).
const PTE_CACHED_BITS: u64 = !(PTE_A | PTE_D);

impl Mmu {
    pub fn new(ad: AdPolicy, strict: bool) -> Mmu {
        let mut m = Mmu {
            fetch_tlb: Tlb::default(),
            load_tlb: Tlb::default(),
            store_tlb: Tlb::default(),
            fetch_prv: Priv::M,
            data_prv: Priv::M,
            sum: false,
            mxr: false,
            sv39: false,
            asid: 0,
            root_ppn: 0,
            ad,
            strict,
            walk_depths: [0; 4],
            page_faults: [[0; 3]; 4],
            last_walk: WalkSteps::default(),
            stale_seen: HashSet::new(),
            stale_reports: 0,
        };
        m.set_context(Priv::M, Priv::M, false, false);
        m
    }

    pub fn set_context(&mut self, fetch_prv: Priv, data_prv: Priv, sum: bool, mxr: bool) {
        self.fetch_prv = fetch_prv;
        self.data_prv = data_prv;
        self.sum = sum;
        self.mxr = mxr;
        // The TLB contexts: effective privilege, plus SUM and MXR for data.
        self.fetch_tlb.set_context(fetch_prv as u8);
        self.load_tlb.set_context(data_prv as u8 | (sum as u8) << 2 | (mxr as u8) << 3);
        self.store_tlb.set_context(data_prv as u8 | (sum as u8) << 2);
    }

    /// A satp write: a change of MODE flushes everything (Bare entries are not
    /// tagged); a new ASID or root needs no flush (spec 4.2.1: that is
    /// sfence.vma's job).
    pub fn set_satp(&mut self, sv39: bool, asid: u64, root_ppn: u64) {
        if sv39 != self.sv39 {
            self.flush_all();
        }
        self.sv39 = sv39;
        self.asid = asid as u32;
        self.root_ppn = root_ppn;
    }

    /// The ASID TLB entries are matched against (0 while translation is off).
    pub(crate) fn tlb_asid(&self) -> u32 {
        self.asid
    }

    /// satp.ASID while Sv39 translation is on.
    pub fn asid(&self) -> Option<u16> {
        self.sv39.then_some(self.asid as u16)
    }

    /// satp's root table, while Sv39 translation is on.
    pub fn root(&self) -> Option<u64> {
        self.sv39.then_some(self.root_ppn << 12)
    }

    pub fn flush_all(&mut self) {
        self.fetch_tlb.flush_all();
        self.load_tlb.flush_all();
        self.store_tlb.flush_all();
    }

    /// `sfence.vma` (spec 4.2.1); returns the number of entries removed.
    pub fn sfence(&mut self, va: Option<u64>, asid: Option<u64>) -> usize {
        let asid = asid.map(|a| (a & 0xffff) as u32);
        self.fetch_tlb.flush(va, asid) + self.load_tlb.flush(va, asid) + self.store_tlb.flush(va, asid)
    }

    fn prv_for(&self, access: Access) -> Priv {
        if access == Access::Fetch { self.fetch_prv } else { self.data_prv }
    }

    fn tlb_for(&mut self, access: Access) -> &mut Tlb {
        match access {
            Access::Fetch => &mut self.fetch_tlb,
            Access::Load => &mut self.load_tlb,
            Access::Store => &mut self.store_tlb,
        }
    }

    fn request(&self, access: Access, update_ad: bool) -> WalkRequest {
        WalkRequest {
            root_ppn: self.root_ppn,
            access,
            prv: self.prv_for(access),
            sum: self.sum,
            mxr: self.mxr,
            ad: self.ad,
            update_ad,
        }
    }
}

/// A value the hart loads or stores: u8, u16, u32 or u64, little-endian.
pub trait Word: Copy {
    const SIZE: u64;
    /// # Safety
    /// `addr` must be a valid host address of `SIZE` readable bytes.
    unsafe fn read_host(addr: usize) -> Self;
    /// # Safety
    /// `addr` must be a valid host address of `SIZE` writable bytes.
    unsafe fn write_host(addr: usize, v: Self);
    fn from_u64(v: u64) -> Self;
    fn to_u64(self) -> u64;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const SIZE: u64 = std::mem::size_of::<$t>() as u64;
            #[inline(always)]
            unsafe fn read_host(addr: usize) -> Self {
                <$t>::from_le((addr as *const $t).read_unaligned())
            }
            #[inline(always)]
            unsafe fn write_host(addr: usize, v: Self) {
                (addr as *mut $t).write_unaligned(v.to_le())
            }
            #[inline(always)]
            fn from_u64(v: u64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
        }
    };
}
word!(u8);
word!(u16);
word!(u32);
word!(u64);

/// Whether an access of `size` bytes at `va` stays within one page.
#[inline(always)]
fn within_page(va: u64, size: u64) -> bool {
    (va & (PAGE_SIZE - 1)) <= PAGE_SIZE - size
}

impl Hart {
    /// Loads a `T` from virtual address `va`.
    #[inline(always)]
    pub fn load<T: Word>(&mut self, bus: &mut Bus, va: u64) -> Result<T, Exception> {
        if within_page(va, T::SIZE) {
            let m = &mut self.mmu;
            if let Some(host) = m.load_tlb.lookup(va, m.asid) {
                m.load_tlb.stats.hits += 1;
                if m.strict {
                    self.check_stale(bus, va, Access::Load);
                }
                // SAFETY: TLB entries map whole RAM pages and the access stays in the page.
                return Ok(unsafe { T::read_host(host) });
            }
        }
        self.load_slow(bus, va)
    }

    /// Stores a `T` to virtual address `va`.
    #[inline(always)]
    pub fn store<T: Word>(&mut self, bus: &mut Bus, va: u64, v: T) -> Result<(), Exception> {
        if within_page(va, T::SIZE) {
            let m = &mut self.mmu;
            if let Some(host) = m.store_tlb.lookup(va, m.asid) {
                m.store_tlb.stats.hits += 1;
                if m.strict {
                    self.check_stale(bus, va, Access::Store);
                }
                // SAFETY: as in `load`; store entries never map code pages.
                unsafe { T::write_host(host, v) };
                return Ok(());
            }
        }
        self.store_slow(bus, va, v)
    }

    #[inline(never)]
    fn load_slow<T: Word>(&mut self, bus: &mut Bus, va: u64) -> Result<T, Exception> {
        if within_page(va, T::SIZE) {
            let pa = self.translate(bus, va, Access::Load, T::SIZE)?;
            return bus.read(pa, T::SIZE).map(T::from_u64).ok_or(Exception::LoadAccessFault(va));
        }
        let mut bytes = [0u8; 8];
        for (part_va, range) in split(va, T::SIZE) {
            let pa = self.translate(bus, part_va, Access::Load, range.len() as u64)?;
            let v = bus.read(pa, range.len() as u64).ok_or(Exception::LoadAccessFault(part_va))?;
            bytes[range.clone()].copy_from_slice(&v.to_le_bytes()[..range.len()]);
        }
        Ok(T::from_u64(u64::from_le_bytes(bytes)))
    }

    #[inline(never)]
    fn store_slow<T: Word>(&mut self, bus: &mut Bus, va: u64, v: T) -> Result<(), Exception> {
        if within_page(va, T::SIZE) {
            let pa = self.translate(bus, va, Access::Store, T::SIZE)?;
            bus.write(pa, T::SIZE, v.to_u64()).ok_or(Exception::StoreAccessFault(va))?;
            if bus.event {
                self.end_batch();
            }
            return Ok(());
        }
        let parts = split(va, T::SIZE);
        // Translate every part before writing any, so a fault writes nothing.
        let mut pas = [0u64; 2];
        for (i, (part_va, range)) in parts.clone().enumerate() {
            pas[i] = self.translate(bus, part_va, Access::Store, range.len() as u64)?;
        }
        let bytes = v.to_u64().to_le_bytes();
        for (i, (part_va, range)) in parts.enumerate() {
            let mut chunk = [0u8; 8];
            chunk[..range.len()].copy_from_slice(&bytes[range.clone()]);
            bus.write(pas[i], range.len() as u64, u64::from_le_bytes(chunk))
                .ok_or(Exception::StoreAccessFault(part_va))?;
        }
        if bus.event {
            self.end_batch();
        }
        Ok(())
    }

    /// Translates an instruction fetch of a halfword at `va`.
    pub(crate) fn translate_fetch(&mut self, bus: &mut Bus, va: u64) -> Result<u64, Exception> {
        self.translate(bus, va, Access::Fetch, 2)
    }

    /// Translates `va` for `access` of `size` bytes (within one page), checks
    /// PMP on the result, and fills the TLB when the whole page is RAM that PMP
    /// treats uniformly.
    pub(crate) fn translate(&mut self, bus: &mut Bus, va: u64, access: Access, size: u64) -> Result<u64, Exception> {
        let m = &mut self.mmu;
        let asid = m.asid;
        let tlb = m.tlb_for(access);
        if let Some(host) = tlb.lookup(va, asid) {
            tlb.stats.hits += 1;
            return Ok(bus.ram.base() + (host - bus.ram.host_addr(0)) as u64);
        }
        tlb.stats.misses += 1;
        self.record(|ctx| HartEvent::TlbMiss { ctx, access, va });
        let prv = self.mmu.prv_for(access);
        let (pa, leaf, global) = if prv == Priv::M || !self.mmu.sv39 {
            (va, None, true)
        } else {
            let (leaf, global) = self.page_walk(bus, va, access)?;
            (leaf.pa, Some(leaf), global)
        };
        if !self.csr.pmp.allows(pa, size, access, prv) {
            if leaf.is_some() {
                let steps = self.mmu.last_walk;
                self.record(|ctx| HartEvent::Walk { ctx, access, va, steps, outcome: Err(TranslateFault::Pmp) });
            }
            return Err(access.access_fault(va));
        }
        if let Some(l) = leaf {
            let steps = self.mmu.last_walk;
            self.record(|ctx| HartEvent::Walk { ctx, access, va, steps, outcome: Ok((l.pa, l.pte, l.level)) });
        }
        self.fill_tlb(bus, va, pa, access, prv, leaf, global);
        Ok(pa)
    }

    /// Caches a translation when the whole page is RAM that PMP treats
    /// uniformly (and, for stores, not a code page).
    #[allow(clippy::too_many_arguments)]
    fn fill_tlb(&mut self, bus: &Bus, va: u64, pa: u64, access: Access, prv: Priv, leaf: Option<Leaf>, global: bool) {
        let page_pa = pa & !(PAGE_SIZE - 1);
        let Some(page) = bus.ram_page(page_pa) else { return };
        if !self.csr.pmp.allows(page_pa, PAGE_SIZE, access, prv) || (access == Access::Store && bus.code.is_special(page)) {
            return;
        }
        let entry = TlbEntry {
            host_off: bus.ram.host_addr(page << 12).wrapping_sub((va & !(PAGE_SIZE - 1)) as usize),
            asid: if global { GLOBAL } else { self.mmu.asid },
            level: leaf.map_or(0, |l| l.level as u8),
            pte_addr: leaf.map_or(0, |l| l.pte_addr),
            pte: leaf.map_or(0, |l| l.pte),
        };
        self.mmu.tlb_for(access).fill(va, entry);
        if access == Access::Store {
            bus.ram.prefault(page << 12, PAGE_SIZE as usize);
        }
        let level = entry.level;
        self.record(|ctx| HartEvent::TlbFill { ctx, access, va, pa, level, global });
    }

    /// Walks the page table for `va`; returns the leaf and whether the mapping
    /// is global (G in the leaf or in any pointer above it, spec 4.3.1).
    fn page_walk(&mut self, bus: &mut Bus, va: u64, access: Access) -> Result<(Leaf, bool), Exception> {
        if !VirtAddr::is_canonical(va) {
            self.count_page_fault(access);
            let steps = WalkSteps::default();
            self.record(|ctx| HartEvent::Walk { ctx, access, va, steps, outcome: Err(TranslateFault::NonCanonical) });
            return Err(access.page_fault(va));
        }
        let req = self.mmu.request(access, true);
        let mut steps = WalkSteps::default();
        let result = walk::walk(bus, &self.csr.pmp, va, &req, &mut steps);
        self.mmu.walk_depths[steps.len.min(3)] += 1;
        self.mmu.last_walk = steps;
        match result {
            Ok(leaf) => {
                let global = steps.steps[..steps.len].iter().any(|s| s.2 & PTE_G != 0);
                Ok((leaf, global))
            }
            Err(f) => {
                self.record(|ctx| HartEvent::Walk { ctx, access, va, steps, outcome: Err(TranslateFault::Walk(f)) });
                if f.is_access_fault() {
                    return Err(access.access_fault(va));
                }
                self.count_page_fault(access);
                Err(access.page_fault(va))
            }
        }
    }

    fn count_page_fault(&mut self, access: Access) {
        let prv = self.mmu.prv_for(access) as usize;
        self.mmu.page_faults[prv][access as usize] += 1;
    }

    /// `--strict-tlb`: compares a TLB hit with a fresh walk and reports a
    /// translation that memory no longer backs (a missing sfence.vma).
    #[cold]
    fn check_stale(&mut self, bus: &mut Bus, va: u64, access: Access) {
        let m = &self.mmu;
        let Some(e) = m.tlb_for_ref(access).entry(va, m.asid) else { return };
        if e.pte_addr == 0 {
            return; // Bare or M-mode: nothing cached from memory
        }
        let req = m.request(access, false);
        let fresh = walk::walk(bus, &self.csr.pmp, va, &req, &mut WalkSteps::default());
        let current = bus.ram.read_u64(e.pte_addr).unwrap_or(0);
        let stale = match fresh {
            Ok(leaf) => leaf.pte_addr != e.pte_addr || (leaf.pte ^ e.pte) & PTE_CACHED_BITS != 0
                || (e.pte & !leaf.pte) & (PTE_A | PTE_D) != 0,
            Err(_) => true,
        };
        let key = (va >> 12, e.asid);
        if stale && self.mmu.stale_seen.insert(key) {
            self.mmu.stale_reports += 1;
            let why = match fresh {
                Err(f) => f.describe(),
                Ok(_) => "PTE changed",
            };
            eprintln!(
                "sv39: strict-tlb: stale TLB entry used (missing sfence.vma?): hart {} pc {:#x} {} va {:#x} asid {} \
                 cached PTE {:#x} at {:#x}, memory now {:#x} ({why})",
                self.id, self.pc, access.name(), va, if e.asid == GLOBAL { "global".into() } else { e.asid.to_string() },
                e.pte, e.pte_addr, current
            );
        }
    }

    /// Translates `va` as an access of privilege `prv` would, with no side
    /// effect: no TLB change, no A/D update, no event (for tracers, debuggers
    /// and pictures). Uses the current satp.
    pub fn probe(&self, bus: &mut Bus, va: u64, access: Access, prv: Priv) -> Result<u64, TranslateFault> {
        let req = WalkRequest { prv, update_ad: false, ..self.mmu.request(access, false) };
        let pa = self.probe_walk(bus, va, &req)?;
        if self.csr.pmp.allows(pa, 1, access, prv) { Ok(pa) } else { Err(TranslateFault::Pmp) }
    }

    /// Translates `va` for a debugger: the current satp, with no side effect
    /// and only the page table's own checks. U- and S-mode both look as S-mode
    /// with SUM and MXR set (user pages and execute-only code are readable);
    /// M-mode sees physical memory; W and PMP are not checked, so the same
    /// address serves a debugger's writes.
    pub fn probe_debug(&self, bus: &mut Bus, va: u64) -> Result<u64, TranslateFault> {
        let prv = if self.prv == Priv::M { Priv::M } else { Priv::S };
        let req = WalkRequest { prv, sum: true, mxr: true, update_ad: false, ..self.mmu.request(Access::Load, false) };
        self.probe_walk(bus, va, &req)
    }

    /// The physical address of `va` under `req` (`va` itself in M-mode or Bare).
    fn probe_walk(&self, bus: &mut Bus, va: u64, req: &WalkRequest) -> Result<u64, TranslateFault> {
        if req.prv == Priv::M || !self.mmu.sv39 {
            Ok(va)
        } else if !VirtAddr::is_canonical(va) {
            Err(TranslateFault::NonCanonical)
        } else {
            Ok(walk::walk(bus, &self.csr.pmp, va, req, &mut WalkSteps::default()).map_err(TranslateFault::Walk)?.pa)
        }
    }

    /// Reads guest memory at `va` through `probe`, up to the first byte that
    /// does not translate; device memory is not read.
    pub fn probe_read(&self, bus: &mut Bus, va: u64, prv: Priv, out: &mut Vec<u8>, max: usize) {
        let mut va = va;
        while out.len() < max {
            let Ok(pa) = self.probe(bus, va, Access::Load, prv) else { return };
            let in_page = (PAGE_SIZE - (va & (PAGE_SIZE - 1))) as usize;
            let n = in_page.min(max - out.len());
            let start = out.len();
            out.resize(start + n, 0);
            if bus.ram.read_bytes(pa, &mut out[start..]).is_none() {
                out.truncate(start);
                return;
            }
            va = va.wrapping_add(n as u64);
        }
    }

    /// `sfence.vma rs1, rs2` (spec 4.2.1).
    pub fn sfence_vma(&mut self, va: Option<u64>, asid: Option<u64>) {
        let removed = self.mmu.sfence(va, asid);
        self.record(|ctx| HartEvent::Sfence { ctx, va, asid, removed });
        self.stats.sfence_vma += 1;
        self.invalidate_fetch();
    }
}

impl Mmu {
    fn tlb_for_ref(&self, access: Access) -> &Tlb {
        match access {
            Access::Fetch => &self.fetch_tlb,
            Access::Load => &self.load_tlb,
            Access::Store => &self.store_tlb,
        }
    }
}

/// The parts of an access of `size` bytes at `va`: one, or two when it crosses
/// a page boundary, each with its byte range within the value.
fn split(va: u64, size: u64) -> impl Iterator<Item = (u64, std::ops::Range<usize>)> + Clone {
    let first = if within_page(va, size) { size } else { PAGE_SIZE - (va & (PAGE_SIZE - 1)) };
    let second = (first < size).then(|| (va.wrapping_add(first), first as usize..size as usize));
    std::iter::once((va, 0..first as usize)).chain(second)
}

