//! Reading a whole Sv39 page table from the emulator's side: every leaf with
//! the PTE addresses that lead to it, every table frame, and every PTE the
//! MMU would fault on (classified by the walk's own steps 3, 4 and 6), and the
//! invalid PTEs that software keeps values in (a kernel's swap entries). Reads
//! have no side effects: nothing is written, A and D are left as found.

use crate::mmu::walk::{classify, misaligned_superpage, PhysMem, PteKind, WalkFault};
use sv39_arch::pte::{pte_ppn, PTE_G, PTE_V};
use sv39_arch::sv39::{level_size, ENTRIES_PER_TABLE, LEVELS, PAGE_SHIFT, PTE_SIZE, VA_BITS};

/// At most this many anomalies are kept; the rest are only counted (a table
/// that points at itself would otherwise yield 512³ of them).
const MAX_ANOMALIES: usize = 64;

/// One leaf PTE and where it maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The canonical virtual address of the page (sign-extended from bit 38).
    pub va: u64,
    pub pa: u64,
    /// 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB.
    pub level: usize,
    pub pte: u64,
    /// The PTE address read at each level, indexed by level (unused levels 0).
    pub path: [u64; LEVELS],
}

impl Leaf {
    pub fn size(&self) -> u64 {
        level_size(self.level)
    }

    pub fn global(&self) -> bool {
        self.pte & PTE_G != 0
    }
}

/// A frame that holds a page table, its level (2 = root), and the lowest
/// virtual address its entries map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableFrame {
    pub pa: u64,
    pub level: usize,
    pub va: u64,
}

impl TableFrame {
    /// The root, or a table of the lower half: one address space's own. (By
    /// convention the upper half's tables are the kernel's, shared by all.)
    pub fn private(&self) -> bool {
        self.va >> (VA_BITS - 1) == 0
    }
}

/// A PTE the MMU would fault on, or a table that is not memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anomaly {
    pub va: u64,
    pub level: usize,
    pub pte_addr: u64,
    pub pte: u64,
    pub fault: WalkFault,
}

/// Consecutive invalid PTEs of one level with other bits set: to the MMU
/// not mapped at all ("if pte.v = 0 ... the remaining bits are don't-care
/// and may be used freely by software", 4.3.1 of the privileged spec), to a
/// kernel a page it put away (the bundled kernel's swap entries: RSW bit 9
/// and the slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftRun {
    pub va: u64,
    pub level: usize,
    pub entries: u64,
    /// The PTE of the first page.
    pub first_pte: u64,
}

impl SoftRun {
    pub fn size(&self) -> u64 {
        self.entries * level_size(self.level)
    }

    fn extends_to(&self, va: u64, level: usize) -> bool {
        self.level == level && self.va.wrapping_add(self.size()) == va
    }
}

/// Everything one page table maps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Space {
    /// In ascending order of `va` (as unsigned numbers: user half first).
    pub leaves: Vec<Leaf>,
    pub tables: Vec<TableFrame>,
    pub anomalies: Vec<Anomaly>,
    /// Anomalies beyond `MAX_ANOMALIES`, counted only.
    pub more_anomalies: usize,
    /// In ascending order of `va`, as `leaves`.
    pub soft: Vec<SoftRun>,
}

impl Space {
    /// Invalid PTEs that hold software values.
    pub fn soft_entries(&self) -> u64 {
        self.soft.iter().map(|r| r.entries).sum()
    }

    fn note_soft(&mut self, va: u64, level: usize, pte: u64) {
        match self.soft.last_mut() {
            Some(run) if run.extends_to(va, level) => run.entries += 1,
            _ => self.soft.push(SoftRun { va, level, entries: 1, first_pte: pte }),
        }
    }
}

/// Reads the page table whose root is at physical address `root`.
pub fn collect(mem: &mut impl PhysMem, root: u64) -> Space {
    let mut space = Space::default();
    visit(mem, &mut space, root, LEVELS - 1, 0, [0; LEVELS]);
    space
}

/// Reads the table at `table` (level `level`) whose entries map from `va_base`.
fn visit(mem: &mut impl PhysMem, space: &mut Space, table: u64, level: usize, va_base: u64, path: [u64; LEVELS]) {
    if mem.read_pte(table).is_none() {
        // A page-aligned table lies wholly outside memory: one report for it.
        note(space, Anomaly { va: va_base, level, pte_addr: table, pte: 0, fault: WalkFault::BusError });
        return;
    }
    space.tables.push(TableFrame { pa: table, level, va: va_base });
    for index in 0..ENTRIES_PER_TABLE as u64 {
        let va = canonical(va_base | index << (PAGE_SHIFT as usize + 9 * level));
        let pte_addr = table + index * PTE_SIZE;
        let mut path = path;
        path[level] = pte_addr;
        let pte = mem.read_pte(pte_addr).unwrap_or(0);
        if pte & PTE_V == 0 {
            if pte != 0 {
                space.note_soft(va, level, pte);
            }
            continue; // unmapped: the normal case, not an anomaly
        }
        match classify(pte, level) {
            Ok(PteKind::Pointer) => visit(mem, space, pte_ppn(pte) << PAGE_SHIFT, level - 1, va, path),
            Ok(PteKind::Leaf) if misaligned_superpage(pte, level) => {
                note(space, Anomaly { va, level, pte_addr, pte, fault: WalkFault::MisalignedSuperpage })
            }
            Ok(PteKind::Leaf) => space.leaves.push(Leaf { va, pa: pte_ppn(pte) << PAGE_SHIFT, level, pte, path }),
            Err(fault) => note(space, Anomaly { va, level, pte_addr, pte, fault }),
        }
    }
}

/// Sign-extends bit 38, as every Sv39 virtual address must be.
fn canonical(va: u64) -> u64 {
    let shift = 64 - VA_BITS;
    (((va << shift) as i64) >> shift) as u64
}

fn note(space: &mut Space, a: Anomaly) {
    if space.anomalies.len() < MAX_ANOMALIES {
        space.anomalies.push(a);
    } else {
        space.more_anomalies += 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use sv39_arch::pte::{make_pte, PTE_A, PTE_R, PTE_U, PTE_W, PTE_X};

    /// Host-side physical memory holding page tables (RAM from 0x8000_0000),
    /// with a bump allocator for table frames.
    pub struct Mem {
        pub words: HashMap<u64, u64>,
        next_table: u64,
    }

    impl PhysMem for Mem {
        fn read_pte(&mut self, pa: u64) -> Option<u64> {
            (pa >= 0x8000_0000).then(|| *self.words.get(&pa).unwrap_or(&0))
        }
        fn write_pte(&mut self, _: u64, _: u64) -> Option<()> {
            panic!("collecting a page table must not write it");
        }
    }

    impl Mem {
        /// An empty root table at `root`; further tables are taken from `root + 4 KiB` on.
        pub fn new(root: u64) -> Mem {
            Mem { words: HashMap::new(), next_table: root + 0x1000 }
        }

        /// Maps `va` to `pa` with a leaf at `level`, building tables under `root` as needed.
        pub fn map(&mut self, root: u64, va: u64, pa: u64, level: usize, flags: u64) {
            let mut table = root;
            for l in (level + 1..LEVELS).rev() {
                let slot = table + sv39_arch::sv39::vpn_index(va, l) as u64 * 8;
                let pte = *self.words.get(&slot).unwrap_or(&0);
                table = if pte & PTE_V != 0 {
                    pte_ppn(pte) << PAGE_SHIFT
                } else {
                    let t = self.next_table;
                    self.next_table += 0x1000;
                    self.words.insert(slot, make_pte(t, PTE_V));
                    t
                };
            }
            self.words.insert(table + sv39_arch::sv39::vpn_index(va, level) as u64 * 8, make_pte(pa, flags | PTE_V));
        }
    }

    const ROOT: u64 = 0x8010_0000;

    #[test]
    fn invalid_ptes_with_software_bits_are_runs_of_their_own() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x10_0000, 0x8030_0000, 0, PTE_R | PTE_W | PTE_U);
        let leaf_pte_addr = collect(&mut m, ROOT).leaves[0].path[0];
        for (i, pte) in [(1, 0x200 | 7 << 10), (2, 0x200 | 8 << 10), (4, 0x200 | 9 << 10)] {
            m.words.insert(leaf_pte_addr + i * 8, pte);
        }
        let s = collect(&mut m, ROOT);
        assert_eq!(s.leaves.len(), 1, "an invalid PTE maps nothing");
        assert!(s.anomalies.is_empty(), "nor is it a fault of the table");
        let runs: Vec<(u64, u64, u64)> = s.soft.iter().map(|r| (r.va, r.entries, r.first_pte)).collect();
        assert_eq!(runs, [(0x10_1000, 2, 0x200 | 7 << 10), (0x10_4000, 1, 0x200 | 9 << 10)]);
        assert_eq!(s.soft_entries(), 3);
    }

    #[test]
    fn leaves_come_in_address_order_with_their_paths() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0xffff_ffc0_0020_0000, 0x8020_0000, 1, PTE_R | PTE_W | PTE_G);
        m.map(ROOT, 0x1000, 0x8030_0000, 0, PTE_R | PTE_X | PTE_U | PTE_A);
        let s = collect(&mut m, ROOT);
        let vas: Vec<u64> = s.leaves.iter().map(|l| l.va).collect();
        assert_eq!(vas, [0x1000, 0xffff_ffc0_0020_0000], "user half first; high half sign-extended");
        let user = s.leaves[0];
        assert_eq!((user.pa, user.level, user.size()), (0x8030_0000, 0, 0x1000));
        assert_eq!(user.path[2], ROOT, "root entry 0");
        assert_eq!(user.path[0] & 0xfff, 8, "level-0 entry 1");
        let kernel = s.leaves[1];
        assert_eq!((kernel.level, kernel.size()), (1, 2 << 20));
        assert_eq!(kernel.path[2], ROOT + 256 * 8);
        assert!(kernel.global() && !user.global());
        assert_eq!(s.tables.len(), 4, "root, two level-1 tables, one level-0 table");
        let private: Vec<bool> = s.tables.iter().map(TableFrame::private).collect();
        assert_eq!(private, [true, true, true, false], "the root, the user half's, and the kernel half's");
        assert!(s.anomalies.is_empty());
    }

    #[test]
    fn faulting_ptes_are_anomalies_not_mappings() {
        let mut m = Mem::new(ROOT);
        m.words.insert(ROOT, make_pte(0x8020_1000, PTE_V | PTE_R)); // 1 GiB leaf, misaligned
        m.words.insert(ROOT + 8, make_pte(0x8000_0000, PTE_V | PTE_W)); // W without R
        m.words.insert(ROOT + 16, make_pte(0x1000, PTE_V)); // a table outside RAM
        let s = collect(&mut m, ROOT);
        let faults: Vec<WalkFault> = s.anomalies.iter().map(|a| a.fault).collect();
        assert_eq!(faults, [WalkFault::MisalignedSuperpage, WalkFault::WriteWithoutRead, WalkFault::BusError]);
        assert_eq!(s.anomalies[1].va, 0x4000_0000);
        assert!(s.leaves.is_empty());
    }

    #[test]
    fn a_self_referencing_table_is_bounded() {
        let mut m = Mem::new(ROOT);
        m.words.insert(ROOT, make_pte(ROOT, PTE_V)); // entry 0 points back at the root
        let s = collect(&mut m, ROOT);
        // root → root (as level 1) → root (as level 0): a pointer at level 0.
        assert_eq!(s.anomalies.len(), 1);
        assert_eq!(s.anomalies[0].fault, WalkFault::NoLeaf);
        assert_eq!(s.tables.len(), 3);
    }
}
