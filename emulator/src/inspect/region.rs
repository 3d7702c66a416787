//! Regions: runs of virtual pages with the same permissions (R, W, X, U, G),
//! as the textbook diagrams draw an address space. A region may mix page
//! sizes and A/D states; it says how many of its pages have each.

use super::runs::Run;
use crate::trace::format::flags;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X};
use sv39_arch::sv39::PAGE_SIZE;

/// The PTE bits that make a region: its permissions.
pub const PERMS: u64 = PTE_R | PTE_W | PTE_X | PTE_U | PTE_G;

/// Contiguous runs with equal permissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub va: u64,
    pub size: u64,
    /// The PTE bits in `PERMS`.
    pub perms: u64,
    pub runs: Vec<Run>,
}

impl Region {
    /// The first address past the region (2^64 for the top page).
    pub fn end(&self) -> u128 {
        self.va as u128 + self.size as u128
    }

    pub fn user(&self) -> bool {
        self.perms & PTE_U != 0
    }

    /// How many 4 KiB pages of the region have PTE bit `bit` set.
    pub fn pages_with(&self, bit: u64) -> u64 {
        self.runs.iter().filter(|r| r.bits & bit != 0).map(|r| r.size() / PAGE_SIZE).sum()
    }

    pub fn pages(&self) -> u64 {
        self.size / PAGE_SIZE
    }

    /// `DAGUXWRV` for the region: A and D in capitals when every page has
    /// them, in lower case when some do, `-` when none.
    pub fn flags(&self) -> String {
        let mut s: Vec<char> = flags(self.perms | PTE_V).chars().collect();
        for (i, bit, letter) in [(0, PTE_D, 'd'), (1, PTE_A, 'a')] {
            let n = self.pages_with(bit);
            s[i] = if n == self.pages() {
                letter.to_ascii_uppercase()
            } else if n > 0 {
                letter
            } else {
                '-'
            };
        }
        s.into_iter().collect()
    }

    /// Whether every run maps VA = PA.
    pub fn identity(&self) -> bool {
        self.runs.iter().all(|r| r.va == r.pa)
    }

    /// Whether every run maps with one offset VA − PA (a linear map).
    pub fn linear(&self) -> bool {
        let off = |r: &Run| r.va.wrapping_sub(r.pa);
        self.runs.iter().all(|r| off(r) == off(&self.runs[0]))
    }
}

/// Groups `runs` (in address order) into regions.
pub fn group(runs: &[Run]) -> Vec<Region> {
    let mut regions: Vec<Region> = Vec::new();
    for run in runs {
        let perms = run.bits & PERMS;
        match regions.last_mut() {
            Some(r) if r.perms == perms && r.end() == run.va as u128 => {
                r.size += run.size();
                r.runs.push(*run);
            }
            _ => regions.push(Region { va: run.va, size: run.size(), perms, runs: vec![*run] }),
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::{collect, tests::Mem};
    use crate::inspect::runs::coalesce;

    const ROOT: u64 = 0x8010_0000;

    #[test]
    fn runs_with_equal_permissions_join_whatever_their_frames_and_a_d() {
        let mut m = Mem::new(ROOT);
        let rw = PTE_R | PTE_W | PTE_U;
        m.map(ROOT, 0x1000, 0x8040_5000, 0, rw | PTE_A | PTE_D);
        m.map(ROOT, 0x2000, 0x8040_1000, 0, rw | PTE_A);
        m.map(ROOT, 0x3000, 0x8040_2000, 0, rw);
        m.map(ROOT, 0x20_0000, 0x8060_0000, 1, rw); // not contiguous: a new region
        m.map(ROOT, 0x40_0000, 0x8090_0000, 0, PTE_R | PTE_U); // contiguous, other permissions
        let regions = group(&coalesce(&collect(&mut m, ROOT).leaves));
        assert_eq!(regions.len(), 3);
        let r = &regions[0];
        assert_eq!((r.va, r.size, r.runs.len()), (0x1000, 0x3000, 3));
        assert_eq!((r.pages_with(PTE_A), r.pages_with(PTE_D)), (2, 1));
        assert_eq!(r.flags(), "da-U-WRV", "some pages accessed, some dirty");
        assert_eq!(regions[1].flags(), "---U-WRV");
        assert_eq!((regions[2].va, regions[2].perms), (0x40_0000, PTE_R | PTE_U));
        assert!(!r.linear() && regions[1].linear());
    }
}
