//! A direct-mapped software TLB caching translations for one access type.
//!
//! A hart has three (fetch, load, store), as Spike does. An entry exists only
//! when the access it serves is allowed, so a hit needs no permission check: a
//! tag compare, an ASID compare and an add give a host pointer into RAM.
//!
//! The tag holds the VPN and a context: the effective privilege and, for data,
//! `mstatus.SUM` and `MXR`. A change of privilege, SUM or MXR therefore selects
//! other entries instead of flushing. Entries are tagged with the ASID they were
//! filled under, or `GLOBAL` (G bit, Bare mode, M-mode).
//!
//! When it is flushed: `sfence.vma` as the spec's four operand forms say
//! (privileged spec 4.2.1; global entries survive an ASID-only flush); every
//! entry on a change of `satp.MODE` and on any PMP write; the store TLB also
//! when a RAM page becomes a code page (so stores to code go the slow path that
//! keeps the decode cache coherent). Superpages are cached as 4 KiB entries that
//! remember their level, so `sfence.vma` by address removes all of them.

use sv39_arch::sv39::{PAGE_SHIFT, VPN_BITS};

pub const TLB_ENTRIES: usize = 1024;
/// The ASID of entries that match every ASID.
pub const GLOBAL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub struct TlbEntry {
    /// `vpn << 5 | ctx << 1 | 1`; 0 is an empty slot.
    pub tag: u64,
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

const EMPTY: TlbEntry = TlbEntry { tag: 0, host_off: 0, asid: 0, level: 0, pte_addr: 0, pte: 0 };

#[derive(Clone, Copy, Debug, Default)]
pub struct TlbStats {
    pub hits: u64,
    pub misses: u64,
    pub flushes: u64,
}

pub struct Tlb {
    entries: Box<[TlbEntry; TLB_ENTRIES]>,
    /// Whether any superpage entry is cached (then a flush by address scans).
    has_superpages: bool,
    pub stats: TlbStats,
}

impl Default for Tlb {
    fn default() -> Self {
        Tlb { entries: Box::new([EMPTY; TLB_ENTRIES]), has_superpages: false, stats: TlbStats::default() }
    }
}

/// The low tag bits for context `ctx` (precomputed by the hart per access type).
pub const fn ctx_tag(ctx: u8) -> u64 {
    (ctx as u64) << 1 | 1
}

#[inline(always)]
pub fn make_tag(vpn: u64, ctx_tag: u64) -> u64 {
    vpn << 5 | ctx_tag
}

#[inline(always)]
fn slot(vpn: u64) -> usize {
    vpn as usize & (TLB_ENTRIES - 1)
}

impl Tlb {
    /// The host address for `va`, on a hit. Counts only when `count` (strict
    /// mode re-checks hits, the stats stay per access).
    #[inline(always)]
    pub fn lookup(&self, va: u64, ctx_tag: u64, asid: u32) -> Option<&TlbEntry> {
        let vpn = va >> PAGE_SHIFT;
        let e = &self.entries[slot(vpn)];
        if e.tag == make_tag(vpn, ctx_tag) && (e.asid == asid || e.asid == GLOBAL) {
            Some(e)
        } else {
            None
        }
    }

    pub fn fill(&mut self, va: u64, ctx_tag: u64, entry: TlbEntry) {
        let vpn = va >> PAGE_SHIFT;
        self.has_superpages |= entry.level > 0;
        self.entries[slot(vpn)] = TlbEntry { tag: make_tag(vpn, ctx_tag), ..entry };
    }

    /// Removes every entry; returns how many were valid.
    pub fn flush_all(&mut self) -> usize {
        self.stats.flushes += 1;
        let n = self.entries.iter().filter(|e| e.tag != 0).count();
        self.entries.fill(EMPTY);
        self.has_superpages = false;
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
        let matches = |e: &TlbEntry| {
            let asid_ok = asid.is_none_or(|a| e.asid == a);
            let va_ok = va.is_none_or(|va| {
                let shift = PAGE_SHIFT + VPN_BITS * e.level as u32;
                (e.tag >> 5) >> (shift - PAGE_SHIFT) == va >> shift
            });
            e.tag != 0 && asid_ok && va_ok
        };
        let mut removed = 0;
        match va {
            Some(va) if !self.has_superpages => {
                let e = &mut self.entries[slot(va >> PAGE_SHIFT)];
                if matches(e) {
                    *e = EMPTY;
                    removed = 1;
                }
            }
            _ => {
                for e in self.entries.iter_mut().filter(|e| matches(e)) {
                    *e = EMPTY;
                    removed += 1;
                }
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(asid: u32, level: u8) -> TlbEntry {
        TlbEntry { asid, level, pte_addr: 0x8000_0000, pte: 0xcf, ..EMPTY }
    }

    #[test]
    fn hit_needs_matching_context_and_asid() {
        let mut t = Tlb::default();
        t.fill(0x4000_1000, ctx_tag(1), entry(7, 0));
        assert!(t.lookup(0x4000_1abc, ctx_tag(1), 7).is_some());
        assert!(t.lookup(0x4000_1abc, ctx_tag(0), 7).is_none(), "other privilege");
        assert!(t.lookup(0x4000_1abc, ctx_tag(1), 8).is_none(), "other ASID");
        t.fill(0x4000_2000, ctx_tag(1), entry(GLOBAL, 0));
        assert!(t.lookup(0x4000_2000, ctx_tag(1), 9).is_some(), "global matches any ASID");
    }

    #[test]
    fn sfence_forms() {
        let mut t = Tlb::default();
        t.fill(0x1000, ctx_tag(1), entry(1, 0));
        t.fill(0x2000, ctx_tag(1), entry(2, 0));
        t.fill(0x3000, ctx_tag(1), entry(GLOBAL, 0));
        assert_eq!(t.flush(None, Some(1)), 1, "rs1=x0, rs2=asid: that ASID's non-global entries");
        assert!(t.lookup(0x3000, ctx_tag(1), 1).is_some(), "global survives an ASID flush");
        assert_eq!(t.flush(Some(0x3000), Some(2)), 0, "addr+ASID spares global entries");
        assert_eq!(t.flush(Some(0x3000), None), 1, "addr only removes globals too");
        assert_eq!(t.flush(None, None), 1, "all");
    }

    #[test]
    fn flush_by_address_removes_splintered_superpage() {
        let mut t = Tlb::default();
        // Two 4 KiB pieces of one 2 MiB leaf at 0x20_0000.
        t.fill(0x20_0000, ctx_tag(1), entry(1, 1));
        t.fill(0x3f_f000, ctx_tag(1), entry(1, 1));
        t.fill(0x40_0000, ctx_tag(1), entry(1, 0));
        assert_eq!(t.flush(Some(0x21_0000), None), 2);
        assert!(t.lookup(0x40_0000, ctx_tag(1), 1).is_some());
    }
}
