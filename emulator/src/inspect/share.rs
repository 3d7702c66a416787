//! Frames mapped more than once: by user pages of more than one page table
//! (shared memory, copy-on-write after fork), or at more than one address of
//! one table (aliases). Only user pages count (U set, G clear): global
//! mappings are the same in every address space by definition, and a
//! kernel's direct map reaches every frame.
//!
//! Snapshots are read at different times, and a frame freed by one process
//! may be reused by the next. So each snapshot stands for its table from its
//! first reading until its table is read again with other mappings, or until
//! a later snapshot of another table uses one of its table frames (as a
//! table or as a user page: the table was freed by then); only snapshots
//! whose spans overlap are compared.
//!
//! Physical memory is cut at every run's first and last address into
//! segments; each segment knows which snapshots map it, so a 1 GiB page
//! costs no more than a 4 KiB one.

use super::runs::Run;
use super::snapshot::{Snapshot, TableId};
use sv39_arch::pte::{PTE_G, PTE_U};
use sv39_arch::sv39::PAGE_SIZE;

/// One run's claim on a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    pub snap: usize,
    /// A user page (U set, G clear): it counts for sharing and aliasing.
    pub counts: bool,
    /// A global mapping (G set).
    pub global: bool,
}

/// A stretch of physical memory that the same runs cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub pa: u64,
    pub end: u64,
    pub users: Vec<User>,
}

impl Segment {
    pub fn mapped_by(&self, snap: usize) -> bool {
        self.users.iter().any(|u| u.snap == snap)
    }

    /// Mapped by snapshot `snap` other than through global mappings.
    pub fn mapped_privately_by(&self, snap: usize) -> bool {
        self.users.iter().any(|u| u.snap == snap && !u.global)
    }

    /// Mapped by user pages at more than one address of snapshot `snap`.
    pub fn aliased_in(&self, snap: usize) -> bool {
        self.users.iter().filter(|u| u.snap == snap && u.counts).count() > 1
    }
}

/// A stretch of a run's frames that is mapped more than once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Where it starts, from the start of the run.
    pub offset: u64,
    pub len: u64,
    /// The other tables that map it at the same time.
    pub with: Vec<TableId>,
    /// Whether this snapshot maps it at more than one address.
    pub aliased: bool,
}

/// What sharing a range of frames amounts to, for one snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    /// Bytes also mapped by other tables, and those tables.
    pub shared: u64,
    pub with: Vec<TableId>,
    /// Bytes this snapshot maps at more than one address.
    pub aliased: u64,
}

/// Every mapped stretch of physical memory, in address order, and when
/// each snapshot's table stood as read.
#[derive(Clone, Debug, Default)]
pub struct Sharing {
    pub segments: Vec<Segment>,
    ids: Vec<TableId>,
    /// Per snapshot: [from, until) in cycles.
    spans: Vec<(u64, u64)>,
}

fn counts(run: &Run) -> bool {
    run.bits & (PTE_U | PTE_G) == PTE_U
}

impl Sharing {
    /// Segments and spans for `snaps`, in the order they were taken.
    pub fn new(snaps: &[Snapshot]) -> Sharing {
        let mut cuts: Vec<u64> = snaps.iter().flat_map(|s| s.runs.iter().flat_map(|r| [r.pa, r.pa_end()])).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut segments: Vec<Segment> =
            cuts.windows(2).map(|w| Segment { pa: w[0], end: w[1], users: Vec::new() }).collect();
        for (snap, s) in snaps.iter().enumerate() {
            for r in &s.runs {
                let first = segments.partition_point(|seg| seg.pa < r.pa);
                for seg in segments[first..].iter_mut().take_while(|seg| seg.end <= r.pa_end()) {
                    seg.users.push(User { snap, counts: counts(r), global: r.bits & PTE_G != 0 });
                }
            }
        }
        segments.retain(|seg| !seg.users.is_empty());
        let spans = (0..snaps.len()).map(|i| span(snaps, i)).collect();
        Sharing { segments, ids: snaps.iter().map(|s| s.id).collect(), spans }
    }

    /// The segment holding `pa`, if any run maps it.
    pub fn at(&self, pa: u64) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.end <= pa);
        self.segments.get(i).filter(|s| s.pa <= pa)
    }

    /// The segments inside `[pa, end)`.
    pub fn within(&self, pa: u64, end: u64) -> &[Segment] {
        let first = self.segments.partition_point(|s| s.pa < pa);
        let last = self.segments.partition_point(|s| s.end <= end);
        &self.segments[first..last.max(first)]
    }

    /// The other tables whose user pages map `seg` while snapshot `snap`'s
    /// user pages do.
    pub fn others(&self, seg: &Segment, snap: usize) -> Vec<TableId> {
        if !seg.users.iter().any(|u| u.snap == snap && u.counts) {
            return Vec::new();
        }
        let (me, (from, until)) = (self.ids[snap], self.spans[snap]);
        let overlaps = |o: usize| self.spans[o].0 < until && from < self.spans[o].1;
        let mut t: Vec<TableId> = seg
            .users
            .iter()
            .filter(|u| u.counts && self.ids[u.snap] != me && overlaps(u.snap))
            .map(|u| self.ids[u.snap])
            .collect();
        t.sort();
        t.dedup();
        t
    }

    /// The stretches of `run`'s frames (in snapshot `snap`) mapped more than once.
    pub fn pieces(&self, snap: usize, run: &Run) -> Vec<Piece> {
        if !counts(run) {
            return Vec::new();
        }
        let piece = |s: &Segment| Piece {
            offset: s.pa - run.pa,
            len: s.end - s.pa,
            with: self.others(s, snap),
            aliased: s.aliased_in(snap),
        };
        self.within(run.pa, run.pa_end()).iter().map(piece).filter(|p| p.aliased || !p.with.is_empty()).collect()
    }

    /// `pieces` summed over `runs`.
    pub fn of_runs(&self, snap: usize, runs: &[Run]) -> Shared {
        let mut out = Shared::default();
        for p in runs.iter().flat_map(|r| self.pieces(snap, r)) {
            if !p.with.is_empty() {
                out.shared += p.len;
                out.with.extend(p.with);
            }
            if p.aliased {
                out.aliased += p.len;
            }
        }
        out.with.sort();
        out.with.dedup();
        out
    }
}

/// When snapshot `i` stood for its table: from its first reading until its
/// table was read again with other mappings, or was found freed: its frames
/// reused, or its (non-zero) ASID given to another table.
fn span(snaps: &[Snapshot], i: usize) -> (u64, u64) {
    let me = &snaps[i];
    let superseded = snaps[i + 1..].iter().filter(|s| s.id == me.id).map(|s| s.first.cycle).min();
    let freed = |s: &&Snapshot| {
        let asid_reused = me.id.asid != 0 && s.id.asid == me.id.asid;
        s.first.cycle > me.last.cycle && s.id != me.id && (asid_reused || reuses_tables(s, me))
    };
    let gone = snaps.iter().filter(freed).map(|s| s.first.cycle).min();
    let until = superseded.into_iter().chain(gone).min().unwrap_or(u64::MAX);
    (me.first.cycle, until)
}

/// Whether `later` uses a frame that held one of `earlier`'s own tables,
/// as one of its own tables or as a user page.
fn reuses_tables(later: &Snapshot, earlier: &Snapshot) -> bool {
    earlier.space.tables.iter().filter(|t| t.private()).any(|t| {
        let as_table = later.space.tables.iter().any(|u| u.private() && u.pa == t.pa);
        let as_page = later.runs.iter().any(|r| counts(r) && r.pa < t.pa + PAGE_SIZE && t.pa < r.pa_end());
        as_table || as_page
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::tests::Mem;
    use crate::inspect::phys::PhysMap;
    use crate::inspect::snapshot::When;
    use sv39_arch::csr::{satp, Priv};
    use sv39_arch::pte::{PTE_R, PTE_W};

    const PARENT: u64 = 0x8010_0000;
    const CHILD: u64 = 0x8020_0000;
    const RW: u64 = PTE_R | PTE_W | PTE_U;

    fn snap(m: &mut Mem, asid: u16, root: u64, cycle: u64) -> Snapshot {
        let when = When { hart: 0, cycle, pc: 0, prv: Priv::S, at_exit: false };
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![] };
        Snapshot::take(m, &phys, satp::sv39(asid, root >> 12), when).unwrap()
    }

    #[test]
    fn frames_of_two_tables_and_aliases_are_found() {
        let (mut p, mut c) = (Mem::new(PARENT), Mem::new(CHILD));
        // After a copy-on-write fork: 0x1000-0x2fff share frames, 0x3000 was copied.
        for (va, pa) in [(0x1000, 0x8040_0000), (0x2000, 0x8040_1000), (0x3000, 0x8040_2000)] {
            p.map(PARENT, va, pa, 0, PTE_R | PTE_U);
        }
        for (va, pa) in [(0x1000, 0x8040_0000), (0x2000, 0x8040_1000), (0x3000, 0x8050_0000)] {
            c.map(CHILD, va, pa, 0, PTE_R | PTE_U);
        }
        c.map(CHILD, 0x9000, 0x8050_0000, 0, RW); // the child maps its copy twice
                                                  // Both map one global kernel page, and a supervisor page: not sharing.
        p.map(PARENT, 0xffff_ffc0_0000_0000, 0x8060_0000, 0, PTE_R | PTE_G);
        c.map(CHILD, 0xffff_ffc0_0000_0000, 0x8060_0000, 0, PTE_R | PTE_G);
        p.map(PARENT, 0x4000_0000, 0x8061_0000, 0, PTE_R);
        c.map(CHILD, 0x4000_0000, 0x8061_0000, 0, PTE_R);
        let snaps = [snap(&mut p, 1, PARENT, 10), snap(&mut c, 2, CHILD, 20)];
        let sharing = Sharing::new(&snaps);
        let child_id = snaps[1].id;
        let parent = sharing.of_runs(0, &snaps[0].runs);
        assert_eq!((parent.shared, parent.with.as_slice(), parent.aliased), (0x2000, [child_id].as_slice(), 0));
        let child = sharing.of_runs(1, &snaps[1].runs);
        assert_eq!((child.shared, child.aliased), (0x2000, 0x2000), "the copy counts once per mapping");
        let not_user: Vec<&Run> = snaps[1].runs.iter().filter(|r| !counts(r)).collect();
        assert_eq!(not_user.len(), 2);
        assert!(not_user.iter().all(|r| sharing.pieces(1, r).is_empty()));
    }

    #[test]
    fn snapshots_of_one_table_do_not_share_with_themselves() {
        let mut m = Mem::new(PARENT);
        m.map(PARENT, 0x1000, 0x8040_0000, 0, RW);
        let first = snap(&mut m, 1, PARENT, 10);
        m.map(PARENT, 0x2000, 0x8040_1000, 0, RW);
        let snaps = [first, snap(&mut m, 1, PARENT, 20)];
        let sharing = Sharing::new(&snaps);
        assert_eq!(sharing.of_runs(1, &snaps[1].runs), Shared::default());
        let seg = sharing.at(0x8040_0fff).unwrap();
        assert!(seg.mapped_by(0) && seg.mapped_privately_by(1) && seg.pa == 0x8040_0000);
        assert!(sharing.at(0x8040_2000).is_none() && sharing.at(0x8000_0000).is_none());
    }

    #[test]
    fn a_freed_table_shares_nothing_with_later_owners_of_its_frames() {
        let mut dead = Mem::new(PARENT);
        dead.map(PARENT, 0x1000, 0x8040_0000, 0, RW);
        let mut next = Mem::new(CHILD);
        next.map(CHILD, 0x1000, 0x8040_0000, 0, RW); // the dead process's page, reused
        next.map(CHILD, 0x5000, PARENT, 0, RW); // and its root table, now a user page
        let snaps = [snap(&mut dead, 1, PARENT, 10), snap(&mut next, 2, CHILD, 20)];
        let sharing = Sharing::new(&snaps);
        assert_eq!(sharing.of_runs(1, &snaps[1].runs), Shared::default());
        // Without the proof of death, the two would share.
        next.words.remove(&(CHILD + 0x1000 * 2 + 5 * 8));
        let snaps = [snaps[0].clone(), snap(&mut next, 2, CHILD, 20)];
        assert_eq!(Sharing::new(&snaps).of_runs(1, &snaps[1].runs).shared, 0x1000);
        // A live table's ASID is its own: another table with it means the first is gone.
        let snaps = [snaps[0].clone(), snap(&mut next, 1, CHILD, 20)];
        assert_eq!(Sharing::new(&snaps).of_runs(1, &snaps[1].runs), Shared::default());
    }

    #[test]
    fn shared_kernel_tables_are_no_sign_of_a_freed_table() {
        let mut m = Mem::new(PARENT);
        m.map(PARENT, 0x1000, 0x8040_0000, 0, RW);
        m.map(PARENT, 0xffff_ffc0_0000_0000, 0x8060_0000, 0, PTE_R | PTE_G);
        // The child's root copies the parent's kernel-half entry: one shared L1 table.
        m.words.insert(CHILD + 256 * 8, m.words[&(PARENT + 256 * 8)]);
        m.map(CHILD, 0x1000, 0x8040_0000, 0, PTE_R | PTE_U);
        let snaps = [snap(&mut m, 1, PARENT, 10), snap(&mut m, 2, CHILD, 20)];
        assert_eq!(Sharing::new(&snaps).of_runs(1, &snaps[1].runs).shared, 0x1000);
    }

    #[test]
    fn a_superpage_overlapping_small_pages_cuts_segments() {
        let mut m = Mem::new(PARENT);
        m.map(PARENT, 0x20_0000, 0x8040_0000, 1, RW); // 2 MiB at 0x8040_0000
        m.map(PARENT, 0x1000, 0x8041_0000, 0, RW); // one of its frames again
        let snaps = [snap(&mut m, 1, PARENT, 10)];
        let sharing = Sharing::new(&snaps);
        assert_eq!(sharing.segments.len(), 3);
        assert_eq!(sharing.of_runs(0, &snaps[0].runs).aliased, 0x2000, "4 KiB within the superpage, 4 KiB the page");
    }
}
