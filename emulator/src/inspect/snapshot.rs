//! A snapshot: the page table one satp value names, read at one moment, with
//! its runs, regions and their labels; and the rule that decides whether a
//! later reading of the same table is new.

use super::collect::{collect, Space};
use super::label::{label, Label};
use super::phys::PhysMap;
use super::region::{group, Region};
use super::runs::{coalesce, Run};
use crate::mmu::walk::PhysMem;
use sv39_arch::csr::{satp, Priv};
use sv39_arch::pte::{PTE_A, PTE_D};
use sv39_arch::sv39::PAGE_SHIFT;

/// A page table's identity: the ASID and root that satp names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId {
    pub asid: u16,
    pub root: u64,
}

/// When a table was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    pub hart: usize,
    /// Instructions the hart had executed.
    pub cycle: u64,
    /// The satp write's pc, or where the hart stopped at exit.
    pub pc: u64,
    pub prv: Priv,
    pub at_exit: bool,
}

#[derive(Clone, Debug)]
pub struct Snapshot {
    pub satp: u64,
    pub id: TableId,
    /// The first reading.
    pub first: When,
    /// The latest reading with the same mappings (A and D are as read then),
    /// and how many readings there were.
    pub last: When,
    pub readings: u32,
    pub space: Space,
    pub runs: Vec<Run>,
    pub regions: Vec<Region>,
    pub labels: Vec<Label>,
}

/// A leaf as the deduplication compares it: A and D left out.
type Key = (u64, u64, usize, u64);

fn keys(s: &Snapshot) -> Vec<Key> {
    s.space.leaves.iter().map(|l| (l.va, l.pa, l.level, l.pte & !(PTE_A | PTE_D))).collect()
}

/// The ASID and root of `value` when it selects Sv39 translation.
pub fn sv39_table(value: u64) -> Option<TableId> {
    let sv39 = value >> satp::MODE_SHIFT == satp::MODE_SV39;
    let asid = ((value & satp::ASID) >> satp::ASID_SHIFT) as u16;
    sv39.then_some(TableId { asid, root: (value & satp::PPN) << PAGE_SHIFT })
}

impl Snapshot {
    /// Reads the table satp `value` names, if it selects Sv39.
    pub fn take(mem: &mut impl PhysMem, phys: &PhysMap, value: u64, when: When) -> Option<Snapshot> {
        let id = sv39_table(value)?;
        let space = collect(mem, id.root);
        let runs = coalesce(&space.leaves);
        let regions = group(&runs);
        let labels = label(&regions, phys);
        Some(Snapshot { satp: value, id, first: when, last: when, readings: 1, space, runs, regions, labels })
    }

    /// Whether `later` reads the same table with the same mappings: only A
    /// and D (which the hart sets as it goes) may differ.
    pub fn same_mappings(&self, later: &Snapshot) -> bool {
        self.id == later.id
            && self.space.anomalies == later.space.anomalies
            && self.space.soft == later.space.soft
            && keys(self) == keys(later)
    }

    /// Whether `later` reads the same table with every mapping of this one
    /// still there and more besides: a table that only grew (demand paging).
    pub fn grew_into(&self, later: &Snapshot) -> bool {
        let now: std::collections::HashSet<Key> = keys(later).into_iter().collect();
        self.id == later.id && keys(self).iter().all(|k| now.contains(k))
    }

    /// Takes `later`'s mappings, A/D state and reading time, keeping the first reading.
    pub fn refresh(&mut self, later: Snapshot) {
        let (first, readings) = (self.first, self.readings + 1);
        *self = Snapshot { first, readings, ..later };
    }

    /// Whether any leaf is a user page.
    pub fn has_user_pages(&self) -> bool {
        self.regions.iter().any(Region::user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::tests::Mem;
    use sv39_arch::pte::{PTE_R, PTE_U, PTE_W};

    const ROOT: u64 = 0x8010_0000;

    fn when(cycle: u64) -> When {
        When { hart: 0, cycle, pc: 0x8000_0000, prv: Priv::S, at_exit: false }
    }

    fn phys() -> PhysMap {
        PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![] }
    }

    #[test]
    fn a_d_changes_refresh_other_changes_are_new() {
        let mut m = Mem::new(ROOT);
        let rw = PTE_R | PTE_W | PTE_U;
        m.map(ROOT, 0x1000, 0x8040_0000, 0, rw);
        let value = satp::sv39(7, ROOT >> 12);
        let mut first = Snapshot::take(&mut m, &phys(), value, when(10)).unwrap();
        assert_eq!(first.id, TableId { asid: 7, root: ROOT });
        m.map(ROOT, 0x1000, 0x8040_0000, 0, rw | PTE_A | PTE_D);
        let touched = Snapshot::take(&mut m, &phys(), value, when(20)).unwrap();
        assert!(first.same_mappings(&touched));
        first.refresh(touched);
        assert_eq!((first.first.cycle, first.last.cycle, first.readings), (10, 20, 2));
        assert_eq!(first.regions[0].flags(), "DA-U-WRV", "A/D as last read");
        m.map(ROOT, 0x2000, 0x8040_1000, 0, rw);
        let grown = Snapshot::take(&mut m, &phys(), value, when(30)).unwrap();
        assert!(!first.same_mappings(&grown) && first.grew_into(&grown));
        assert!(grown.has_user_pages());
        m.map(ROOT, 0x1000, 0x8040_0000, 0, PTE_R | PTE_U); // write-protected, as fork does
        let changed = Snapshot::take(&mut m, &phys(), value, when(40)).unwrap();
        assert!(!grown.grew_into(&changed));
    }

    #[test]
    fn only_sv39_values_name_a_table() {
        assert_eq!(sv39_table(0), None, "Bare");
        assert_eq!(sv39_table(satp::MODE_SV48 << satp::MODE_SHIFT | 5), None);
        assert_eq!(sv39_table(satp::sv39(0xffff, 0x80123)), Some(TableId { asid: 0xffff, root: 0x8012_3000 }));
    }
}
