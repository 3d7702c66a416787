//! A direct-mapped software TLB caching translations for one access type.
//!
//! A hart has three (fetch, load, store), as Spike does. An entry exists only
//! when the access it serves is allowed, so a hit needs no permission check: a
//! tag compare, an ASID compare and an add give a host pointer into RAM.
//!
//! The tag holds the VPN, a context (the effective privilege and, for data,
//! `mstatus.SUM` and `MXR`) and a generation. A change of privilege, SUM or MXR
//! therefore selects other entries instead of flushing, and a full flush only
//! moves the generation. Entries are tagged with the ASID they were filled
//! under, or `GLOBAL` (G bit, Bare mode, M-mode).
//!
//! Its size adapts, as QEMU's softmmu TLB does (the spec leaves TLB size to
//! the implementation): it starts at `MIN_ENTRIES` and doubles, up to
//! `MAX_ENTRIES`, once fills have evicted as many live entries as it holds
//! since it was last resized or fully flushed (the working set does not fit).
//! Growing drops every entry, as any TLB may. The rule counts fills, not host
//! time, so a run is repeatable.
//!
//! When it is flushed: `sfence.vma` as the spec's four operand forms say
//! (privileged spec 4.2.1; global entries survive an ASID-only flush); every
//! entry on a change of `satp.MODE` and on any PMP write; the store TLB also
//! when a RAM page becomes a code page (so stores to code go the slow path that
//! keeps the decode cache coherent). Superpages are cached as 4 KiB entries that
//! remember their level, so `sfence.vma` by address removes all of them: the
//! TLB lists the superpage regions it holds pieces of, and a flush by address
//! scans every slot only when the address lies in one of them (a kernel's
//! direct map fills thousands of pieces of a few regions; flushes of user pages
//! must not pay for them).

use sv39_arch::sv39::{PAGE_SHIFT, VPN_BITS};

/// The first size, and the largest: 65,536 entries map 256 MiB of 4 KiB pages.
pub const MIN_ENTRIES: usize = 4096;
pub const MAX_ENTRIES: usize = 1 << 16;
/// The ASID of entries that match every ASID.
pub const GLOBAL: u32 = u32::MAX;

/// Tag layout: bit 0 valid, bits 4:1 context, bits 11:5 generation, bits
/// 63:12 VPN (the page's address, so the JIT masks an address into a tag).
const GEN_SHIFT: u32 = 5;
const VPN_SHIFT: u32 = 12;
const GEN_MASK: u64 = 0x7f;
/// At most this many superpage regions are tracked for flushes by address;
/// beyond it every such flush scans the whole TLB.
const SUPERPAGE_REGIONS: usize = 64;

/// What a TLB entry gives on a hit.
#[derive(Clone, Copy, Debug)]
pub struct TlbEntry {
    /// Host address of the page minus its virtual address.
    pub host_off: usize,
    pub asid: u32,
    /// Level of the leaf PTE (0 = 4 KiB page).
    pub level: u8,
    /// Physical address of the leaf PTE and the value cached, for `--strict-tlb`;
    /// `pte_addr` is 0 for untranslated (Bare/M-mode) entries.
    pub pte_addr: u64,
    pub pte: u64,
}

/// The part of an entry every lookup reads; 32 bytes, so the JIT finds a
/// slot with a shift.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Hot {
    tag: u64,
    host_off: usize,
    asid: u32,
    level: u8,
}

const EMPTY_HOT: Hot = Hot { tag: 0, host_off: 0, asid: 0, level: 0 };

/// Where the JIT's inlined lookup (`jit::emit`) finds an entry's fields: the
/// size of one entry and the offsets of its tag, host offset and ASID.
pub(crate) const HOT_SIZE: usize = std::mem::size_of::<Hot>();
pub(crate) const HOT_TAG: usize = std::mem::offset_of!(Hot, tag);
pub(crate) const HOT_HOST_OFF: usize = std::mem::offset_of!(Hot, host_off);
pub(crate) const HOT_ASID: usize = std::mem::offset_of!(Hot, asid);

#[derive(Clone, Copy, Debug, Default)]
pub struct TlbStats {
    pub hits: u64,
    pub misses: u64,
    pub flushes: u64,
    /// Times the TLB doubled.
    pub grown: u64,
}

pub struct Tlb {
    hot: Box<[Hot]>,
    /// (PTE address, PTE) per slot, for `--strict-tlb`.
    cold: Box<[(u64, u64)]>,
    /// Number of slots minus one (a power of two minus one).
    mask: usize,
    /// Valid entries of the current generation, and live entries fills
    /// replaced since the last resize or full flush.
    live: usize,
    evictions: usize,
    generation: u64,
    /// Context bits plus generation, or'ed into every tag: see `set_context`.
    ctx_tag: u64,
    /// Superpage regions with pieces filled since the last full flush:
    /// (VPN >> 9·level, level). Preallocated; `None` once it overflowed.
    superpages: Option<Vec<(u64, u8)>>,
    pub stats: TlbStats,
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb {
            hot: vec![EMPTY_HOT; MIN_ENTRIES].into_boxed_slice(),
            cold: vec![(0, 0); MIN_ENTRIES].into_boxed_slice(),
            mask: MIN_ENTRIES - 1,
            live: 0,
            evictions: 0,
            generation: 0,
            ctx_tag: 1,
            superpages: Some(Vec::with_capacity(SUPERPAGE_REGIONS)),
            stats: TlbStats::default(),
        }
    }
}

impl Tlb {
    /// Selects the context (privilege, SUM, MXR bits) later lookups and fills use.
    pub fn set_context(&mut self, ctx: u8) {
        self.ctx_tag = self.generation << GEN_SHIFT | (ctx as u64) << 1 | 1;
    }

    /// The entries, the bits or'ed into every tag and the slot mask, for the
    /// JIT's inlined lookup: a hit is `hot[vpn & mask].tag == vpn << 12 | ctx_tag`
    /// with a matching ASID. Valid until the next fill or flush.
    pub(crate) fn jit_view(&self) -> (*const u8, u64, u64) {
        (self.hot.as_ptr() as *const u8, self.ctx_tag, self.mask as u64)
    }

    /// The number of slots.
    pub fn entries(&self) -> usize {
        self.mask + 1
    }

    #[inline(always)]
    fn slot(&self, vpn: u64) -> usize {
        vpn as usize & self.mask
    }

    fn is_live(&self, e: &Hot) -> bool {
        e.tag & 1 == 1 && (e.tag >> GEN_SHIFT) & GEN_MASK == self.generation
    }

    fn context(&self) -> u8 {
        ((self.ctx_tag >> 1) & 0xf) as u8
    }

    #[inline(always)]
    fn tag(&self, vpn: u64) -> u64 {
        vpn << VPN_SHIFT | self.ctx_tag
    }

    /// The host address for `va`, on a hit.
    #[inline(always)]
    pub fn lookup(&self, va: u64, asid: u32) -> Option<usize> {
        let vpn = va >> PAGE_SHIFT;
        // SAFETY: `slot` masks the index below `hot.len()` (mask + 1).
        let e = unsafe { self.hot.get_unchecked(self.slot(vpn)) };
        if e.tag == self.tag(vpn) && (e.asid == asid || e.asid == GLOBAL) {
            Some(va.wrapping_add(e.host_off as u64) as usize)
        } else {
            None
        }
    }

    /// The whole entry for `va`, on a hit (slow paths only).
    pub fn entry(&self, va: u64, asid: u32) -> Option<TlbEntry> {
        self.lookup(va, asid)?;
        let i = self.slot(va >> PAGE_SHIFT);
        let (h, (pte_addr, pte)) = (self.hot[i], self.cold[i]);
        Some(TlbEntry { host_off: h.host_off, asid: h.asid, level: h.level, pte_addr, pte })
    }

    pub fn fill(&mut self, va: u64, e: TlbEntry) {
        let vpn = va >> PAGE_SHIFT;
        let mut i = self.slot(vpn);
        if self.is_live(&self.hot[i]) {
            self.evictions += 1;
            if self.evictions > self.mask && self.mask + 1 < MAX_ENTRIES {
                self.grow();
                i = self.slot(vpn);
            }
        }
        if !self.is_live(&self.hot[i]) {
            self.live += 1;
        }
        self.hot[i] = Hot { tag: self.tag(vpn), host_off: e.host_off, asid: e.asid, level: e.level };
        self.cold[i] = (e.pte_addr, e.pte);
        if e.level > 0 {
            self.note_superpage(vpn, e.level);
        }
    }

    /// Doubles the TLB, dropping every entry.
    fn grow(&mut self) {
        let n = (self.mask + 1) * 2;
        self.hot = vec![EMPTY_HOT; n].into_boxed_slice();
        self.cold = vec![(0, 0); n].into_boxed_slice();
        self.mask = n - 1;
        self.forget_all();
        self.stats.grown += 1;
    }

    /// Empties the bookkeeping of a TLB whose entries are all gone.
    fn forget_all(&mut self) {
        self.live = 0;
        self.evictions = 0;
        match &mut self.superpages {
            Some(list) => list.clear(),
            None => self.superpages = Some(Vec::with_capacity(SUPERPAGE_REGIONS)),
        }
    }

    fn note_superpage(&mut self, vpn: u64, level: u8) {
        let region = (vpn >> (VPN_BITS * level as u32), level);
        match &mut self.superpages {
            Some(list) if list.contains(&region) => {}
            Some(list) if list.len() < SUPERPAGE_REGIONS => list.push(region),
            _ => self.superpages = None,
        }
    }

    /// Whether a superpage piece covering `vpn` may be cached.
    fn in_superpage(&self, vpn: u64) -> bool {
        match &self.superpages {
            Some(list) => list.iter().any(|&(base, level)| vpn >> (VPN_BITS * level as u32) == base),
            None => true,
        }
    }

    /// Removes every entry (by moving the generation); returns how many were valid.
    pub fn flush_all(&mut self) -> usize {
        self.stats.flushes += 1;
        let n = self.live;
        self.generation = (self.generation + 1) & GEN_MASK;
        if self.generation == 0 {
            self.hot.fill(EMPTY_HOT); // tags of generation 0 could match again
        }
        self.forget_all();
        self.set_context(self.context());
        n
    }

    /// `sfence.vma` semantics: `va` None = all addresses, `asid` None = all
    /// address spaces; with an ASID, global entries stay. Returns how many
    /// entries were removed.
    pub fn flush(&mut self, va: Option<u64>, asid: Option<u32>) -> usize {
        if va.is_none() && asid.is_none() {
            return self.flush_all();
        }
        self.stats.flushes += 1;
        let generation = self.generation;
        let matches = |e: &Hot| {
            let live = e.tag & 1 == 1 && (e.tag >> GEN_SHIFT) & GEN_MASK == generation;
            let asid_ok = asid.is_none_or(|a| e.asid == a);
            let va_ok = va.is_none_or(|va| {
                let shift = PAGE_SHIFT + VPN_BITS * e.level as u32;
                (e.tag >> VPN_SHIFT) >> (shift - PAGE_SHIFT) == va >> shift
            });
            live && asid_ok && va_ok
        };
        let mut removed = 0;
        let mut drop_if_match = |e: &mut Hot| {
            if matches(e) {
                *e = EMPTY_HOT;
                removed += 1;
            }
        };
        match va {
            // Outside every superpage region only one slot can hold the page.
            Some(va) if !self.in_superpage(va >> PAGE_SHIFT) => {
                let i = self.slot(va >> PAGE_SHIFT);
                drop_if_match(&mut self.hot[i])
            }
            _ => self.hot.iter_mut().for_each(drop_if_match),
        }
        self.live -= removed;
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(asid: u32, level: u8) -> TlbEntry {
        TlbEntry { host_off: 0, asid, level, pte_addr: 0x8000_0000, pte: 0xcf }
    }

    fn tlb(ctx: u8) -> Tlb {
        let mut t = Tlb::default();
        t.set_context(ctx);
        t
    }

    #[test]
    fn hit_needs_matching_context_and_asid() {
        let mut t = tlb(1);
        t.fill(0x4000_1000, entry(7, 0));
        assert_eq!(t.lookup(0x4000_1abc, 7), Some(0x4000_1abc));
        t.set_context(0);
        assert!(t.lookup(0x4000_1abc, 7).is_none(), "other privilege");
        t.set_context(1);
        assert!(t.lookup(0x4000_1abc, 8).is_none(), "other ASID");
        t.fill(0x4000_2000, entry(GLOBAL, 0));
        assert!(t.lookup(0x4000_2000, 9).is_some(), "global matches any ASID");
    }

    #[test]
    fn sfence_forms() {
        let mut t = tlb(1);
        t.fill(0x1000, entry(1, 0));
        t.fill(0x2000, entry(2, 0));
        t.fill(0x3000, entry(GLOBAL, 0));
        assert_eq!(t.flush(None, Some(1)), 1, "rs1=x0, rs2=asid: that ASID's non-global entries");
        assert!(t.lookup(0x3000, 1).is_some(), "global survives an ASID flush");
        assert_eq!(t.flush(Some(0x3000), Some(2)), 0, "addr+ASID spares global entries");
        assert_eq!(t.flush(Some(0x3000), None), 1, "addr only removes globals too");
        assert_eq!(t.flush(None, None), 1, "all");
    }

    #[test]
    fn flush_by_address_removes_splintered_superpage() {
        let mut t = tlb(1);
        // Two 4 KiB pieces of one 2 MiB leaf at 0x20_0000.
        t.fill(0x20_0000, entry(1, 1));
        t.fill(0x3f_f000, entry(1, 1));
        t.fill(0x40_0000, entry(1, 0));
        assert_eq!(t.flush(Some(0x21_0000), None), 2);
        assert!(t.lookup(0x40_0000, 1).is_some());
    }

    #[test]
    fn full_flush_moves_the_generation_and_wraps_cleanly() {
        let mut t = tlb(3);
        for round in 0..300 {
            t.fill(0x5000, entry(1, 0));
            assert!(t.lookup(0x5000, 1).is_some(), "round {round}");
            assert_eq!(t.flush_all(), 1, "round {round}");
            assert!(t.lookup(0x5000, 1).is_none(), "round {round}: stale generation");
        }
    }

    #[test]
    fn pieces_of_one_region_are_tracked_once() {
        let mut t = tlb(1);
        for i in 0..1000u64 {
            t.fill(0x8000_0000 + (i << 12), entry(GLOBAL, 2)); // one 1 GiB leaf
        }
        let user = 0x4000_0000 + (2000 << 12); // a slot no piece uses
        t.fill(user, entry(1, 0));
        assert_eq!(t.superpages.as_ref().map(Vec::len), Some(1));
        assert_eq!(t.flush(Some(user), None), 1, "a user page outside the region");
        assert_eq!(t.flush(Some(0x8000_0000), None), 1000, "every piece of the gigapage");
    }

    #[test]
    fn grows_when_the_working_set_does_not_fit() {
        let mut t = tlb(1);
        let pages = 3 * MIN_ENTRIES as u64;
        // Each doubling drops everything: three rounds to settle at 4x.
        for _ in 0..3 {
            for p in 0..pages {
                if t.lookup(p << 12, 1).is_none() {
                    t.fill(p << 12, entry(1, 0));
                }
            }
        }
        assert_eq!(t.entries(), 4 * MIN_ENTRIES);
        assert_eq!(t.stats.grown, 2);
        assert!((0..pages).all(|p| t.lookup(p << 12, 1).is_some()), "the whole working set fits now");
        assert_eq!(t.flush_all() as u64, pages, "live entries counted across the growth");
    }

    #[test]
    fn a_fitting_working_set_never_grows_it() {
        let mut t = tlb(1);
        for _ in 0..10 {
            for p in 0..MIN_ENTRIES as u64 {
                t.fill(p << 12, entry(1, 0));
            }
            t.flush_all();
        }
        assert_eq!(t.entries(), MIN_ENTRIES);
        assert_eq!(t.stats.grown, 0);
    }

    #[test]
    fn many_superpages_fall_back_to_a_scan() {
        let mut t = tlb(1);
        for i in 0..(SUPERPAGE_REGIONS as u64 + 10) {
            // Pieces of distinct 2 MiB leaves that land in distinct slots.
            t.fill(0x4000_0000 + (i << 21) + (i << 12), entry(1, 1));
        }
        assert_eq!(t.flush(Some(0x4000_0000 + (70 << 21)), None), 1);
        assert_eq!(t.flush(Some(0x4000_0000), None), 1);
    }
}
