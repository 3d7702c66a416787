//! Runs: leaves collapsed into one line each, as QEMU's `info mem` collapses
//! them, when they are the same page size, carry the same PTE bits 9:0
//! (flags and RSW), and map contiguous virtual pages to contiguous frames.

use super::collect::Leaf;
use sv39_arch::sv39::{level_size, LEVELS};

/// PTE bits that must match for leaves to share a run: V R W X U G A D, RSW.
const RUN_BITS: u64 = 0x3ff;

/// Contiguous leaves mapping contiguous frames with identical bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub va: u64,
    pub pa: u64,
    /// How many leaf PTEs.
    pub leaves: u64,
    pub level: usize,
    /// PTE bits 9:0 shared by every leaf.
    pub bits: u64,
    /// The PTE addresses leading to the first leaf, indexed by level.
    pub path: [u64; LEVELS],
    /// The address of the last leaf PTE.
    pub last_pte: u64,
}

impl Run {
    pub fn size(&self) -> u64 {
        self.leaves * level_size(self.level)
    }

    /// The first address past the run (0 when it ends at the top of memory).
    pub fn va_end(&self) -> u64 {
        self.va.wrapping_add(self.size())
    }

    pub fn pa_end(&self) -> u64 {
        self.pa + self.size()
    }

    /// Whether `leaf` continues this run.
    fn extends_with(&self, leaf: &Leaf) -> bool {
        leaf.level == self.level
            && leaf.pte & RUN_BITS == self.bits
            && leaf.va == self.va_end()
            && leaf.pa == self.pa_end()
    }
}

/// Collapses `leaves` (in address order) into runs.
pub fn coalesce(leaves: &[Leaf]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for leaf in leaves {
        match runs.last_mut() {
            Some(run) if run.extends_with(leaf) => {
                run.leaves += 1;
                run.last_pte = leaf.path[leaf.level];
            }
            _ => runs.push(Run {
                va: leaf.va,
                pa: leaf.pa,
                leaves: 1,
                level: leaf.level,
                bits: leaf.pte & RUN_BITS,
                path: leaf.path,
                last_pte: leaf.path[leaf.level],
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::{collect, tests::Mem};
    use sv39_arch::pte::{PTE_A, PTE_R, PTE_U, PTE_W, PTE_X};

    const ROOT: u64 = 0x8010_0000;
    const RW: u64 = PTE_R | PTE_W | PTE_U;

    fn runs_of(m: &mut Mem) -> Vec<Run> {
        coalesce(&collect(m, ROOT).leaves)
    }

    #[test]
    fn contiguous_pages_and_frames_with_equal_bits_make_one_run() {
        let mut m = Mem::new(ROOT);
        for i in 0..4 {
            m.map(ROOT, 0x1_0000 + i * 0x1000, 0x8040_0000 + i * 0x1000, 0, RW);
        }
        let runs = runs_of(&mut m);
        assert_eq!(runs.len(), 1);
        let r = runs[0];
        assert_eq!((r.va, r.pa, r.leaves, r.size()), (0x1_0000, 0x8040_0000, 4, 0x4000));
        assert_eq!(r.path[0] & 0xfff, 0x10 * 8, "first leaf is entry 16 of its table");
        assert_eq!(r.last_pte & 0xfff, 0x13 * 8);
    }

    #[test]
    fn runs_break_at_flags_frames_holes_and_page_sizes() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x1000, 0x8040_0000, 0, RW);
        m.map(ROOT, 0x2000, 0x8040_1000, 0, RW | PTE_A); // A differs
        m.map(ROOT, 0x3000, 0x8040_9000, 0, RW | PTE_A); // frame not contiguous
        m.map(ROOT, 0x5000, 0x8040_a000, 0, RW | PTE_A); // page hole at 0x4000
        m.map(ROOT, 0x20_0000, 0x8060_0000, 1, RW | PTE_A); // a 2 MiB page
        m.map(ROOT, 0x40_0000, 0x8080_0000, 1, RW | PTE_A); // continues it
        m.map(ROOT, 0x60_0000, 0x80a0_0000, 0, RW | PTE_A); // 4 KiB: not the same size
        let runs = runs_of(&mut m);
        let starts: Vec<u64> = runs.iter().map(|r| r.va).collect();
        assert_eq!(starts, [0x1000, 0x2000, 0x3000, 0x5000, 0x20_0000, 0x60_0000]);
        assert_eq!((runs[4].leaves, runs[4].size()), (2, 4 << 20));
    }

    #[test]
    fn the_top_page_of_memory_ends_at_zero() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0xffff_ffff_ffff_f000, 0x8040_0000, 0, PTE_R | PTE_X);
        let runs = runs_of(&mut m);
        assert_eq!(runs[0].va_end(), 0);
    }
}
