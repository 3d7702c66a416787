//! Physical memory protection (privileged spec 3.7): 16 entries, granularity 4
//! bytes (G = 0), checked on S/U accesses, on M accesses for locked entries, on
//! MPRV accesses with the effective privilege, and on page-table walks as S.

use super::super::hart::exception::Access;
use sv39_arch::csr::{pmpcfg, Priv};

pub const PMP_ENTRIES: usize = 16;
/// pmpaddr holds bits 55:2 of the address on RV64.
const PMPADDR_MASK: u64 = (1 << 54) - 1;

#[derive(Clone, Debug, Default)]
pub struct Pmp {
    cfg: [u8; PMP_ENTRIES],
    addr: [u64; PMP_ENTRIES],
    /// The first active entry grants R, W and X over all addresses (the usual
    /// firmware setup), so every access of every mode is allowed.
    open: bool,
}

impl Pmp {
    /// pmpcfg0 (entries 0-7) or pmpcfg2 (entries 8-15) as a 64-bit CSR.
    pub fn read_cfg(&self, first: usize) -> u64 {
        (0..8).fold(0, |v, i| v | (self.cfg[first + i] as u64) << (8 * i))
    }

    /// Writes a pmpcfg CSR; locked entries keep their value and the reserved
    /// R=0/W=1 combination reads back as W=0 (WARL).
    pub fn write_cfg(&mut self, first: usize, value: u64) {
        for i in 0..8 {
            let e = first + i;
            if self.cfg[e] & pmpcfg::L != 0 {
                continue;
            }
            let mut c = (value >> (8 * i)) as u8 & !0x60;
            if c & pmpcfg::R == 0 {
                c &= !pmpcfg::W;
            }
            self.cfg[e] = c;
        }
        self.open = self.grants_everything();
    }

    pub fn read_addr(&self, i: usize) -> u64 {
        self.addr[i]
    }

    /// Writes pmpaddr`i`, ignored when entry i is locked or entry i+1 is a
    /// locked TOR entry that uses it as its bottom (spec 3.7.1.3).
    pub fn write_addr(&mut self, i: usize, value: u64) {
        let locked = self.cfg[i] & pmpcfg::L != 0;
        let next_tor_locked = i + 1 < PMP_ENTRIES
            && self.cfg[i + 1] & pmpcfg::L != 0
            && mode(self.cfg[i + 1]) == pmpcfg::A_TOR;
        if !locked && !next_tor_locked {
            self.addr[i] = value & PMPADDR_MASK;
        }
        self.open = self.grants_everything();
    }

    fn grants_everything(&self) -> bool {
        let Some(first) = (0..PMP_ENTRIES).find(|&i| self.range(i).is_some()) else { return false };
        let rwx = pmpcfg::R | pmpcfg::W | pmpcfg::X;
        // Physical addresses have 56 bits.
        self.range(first).is_some_and(|(lo, hi)| lo == 0 && hi >= 1 << 56) && self.cfg[first] & rwx == rwx
    }

    /// The byte range [lo, hi) entry `i` matches, or None when it is off.
    fn range(&self, i: usize) -> Option<(u128, u128)> {
        let a = self.addr[i] as u128;
        match mode(self.cfg[i]) {
            pmpcfg::A_TOR => {
                let lo = if i == 0 { 0 } else { (self.addr[i - 1] as u128) << 2 };
                Some((lo, a << 2))
            }
            pmpcfg::A_NA4 => Some((a << 2, (a << 2) + 4)),
            pmpcfg::A_NAPOT => {
                let ones = self.addr[i].trailing_ones();
                let size = 1u128 << (ones + 3);
                let base = (a & !((1u128 << ones) - 1)) << 2;
                Some((base, base + size))
            }
            _ => None,
        }
    }

    /// Whether an access of `size` bytes at physical `pa` is allowed for
    /// privilege `prv` (spec 3.7.1.3: the lowest-numbered entry that matches any
    /// byte decides; it must match all bytes; no match allows M only).
    #[inline]
    pub fn allows(&self, pa: u64, size: u64, access: Access, prv: Priv) -> bool {
        if self.open {
            return true;
        }
        let (lo, hi) = (pa as u128, pa as u128 + size as u128);
        for i in 0..PMP_ENTRIES {
            let Some((rlo, rhi)) = self.range(i) else { continue };
            if hi <= rlo || lo >= rhi {
                continue;
            }
            if lo < rlo || hi > rhi {
                return false; // partial match fails
            }
            let c = self.cfg[i];
            if prv == Priv::M && c & pmpcfg::L == 0 {
                return true;
            }
            let bit = match access {
                Access::Fetch => pmpcfg::X,
                Access::Load => pmpcfg::R,
                Access::Store => pmpcfg::W,
            };
            return c & bit != 0;
        }
        prv == Priv::M
    }
}

fn mode(cfg: u8) -> u8 {
    (cfg & pmpcfg::A) >> pmpcfg::A_SHIFT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn napot_all() -> Pmp {
        let mut p = Pmp::default();
        p.write_addr(0, u64::MAX);
        p.write_cfg(0, 0x1f); // NAPOT RWX
        p
    }

    #[test]
    fn open_flag_follows_the_first_active_entry() {
        assert!(napot_all().open);
        let mut p = napot_all();
        p.write_cfg(0, 0x1d); // NAPOT, R and X only
        assert!(!p.open);
        assert!(!p.allows(0x8000_0000, 8, Access::Store, Priv::S));
        let mut p = Pmp::default();
        p.write_addr(0, 0x1000 >> 2);
        p.write_cfg(0, (pmpcfg::A_TOR << 3) as u64 | 0x1f << 8); // entry 0 TOR no perms, entry 1 NAPOT rwx
        p.write_addr(1, u64::MAX);
        assert!(!p.open, "an earlier entry takes precedence");
        assert!(!p.allows(0x800, 8, Access::Load, Priv::S));
    }

    #[test]
    fn no_entries_allows_m_only() {
        let p = Pmp::default();
        assert!(p.allows(0x8000_0000, 8, Access::Load, Priv::M));
        assert!(!p.allows(0x8000_0000, 8, Access::Load, Priv::S));
        assert!(!p.allows(0x8000_0000, 8, Access::Fetch, Priv::U));
    }

    #[test]
    fn napot_all_ones_covers_everything() {
        let p = napot_all();
        assert!(p.allows(0, 8, Access::Store, Priv::U));
        assert!(p.allows(0xff_ffff_ffff_fff8, 8, Access::Fetch, Priv::S));
    }

    #[test]
    fn tor_and_partial_match() {
        let mut p = Pmp::default();
        p.write_addr(0, 0x8000_1000 >> 2);
        p.write_cfg(0, (pmpcfg::A_TOR << 3 | pmpcfg::R) as u64);
        assert!(p.allows(0x8000_0ff8, 8, Access::Load, Priv::S));
        assert!(!p.allows(0x8000_0ff8, 8, Access::Store, Priv::S));
        assert!(!p.allows(0x8000_0ffc, 8, Access::Load, Priv::S), "straddles the top");
        // "matches some but not all bytes ... the access fails, regardless of the L, R, W, and X bits"
        assert!(!p.allows(0x8000_0ffc, 8, Access::Load, Priv::M));
    }

    #[test]
    fn na4_and_lock() {
        let mut p = Pmp::default();
        p.write_addr(1, 0x1000 >> 2);
        p.write_cfg(0, ((pmpcfg::L | pmpcfg::A_NA4 << 3) as u64) << 8);
        assert!(!p.allows(0x1000, 4, Access::Load, Priv::M), "locked entry binds M");
        p.write_cfg(0, 0);
        p.write_addr(1, 0);
        assert_eq!(p.read_addr(1), 0x1000 >> 2, "locked address ignores writes");
        assert_eq!(p.read_cfg(0) >> 8 & 0xff, (pmpcfg::L | pmpcfg::A_NA4 << 3) as u64);
    }

    #[test]
    fn reserved_w_without_r_reads_back_clear() {
        let mut p = Pmp::default();
        p.write_cfg(0, (pmpcfg::A_NAPOT << 3 | pmpcfg::W) as u64);
        assert_eq!(p.read_cfg(0) & 0xff, (pmpcfg::A_NAPOT << 3) as u64);
    }
}
