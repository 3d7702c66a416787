//! `--dump-pagetable`: snapshots as text, like QEMU's `info mem` with levels
//! and PTE flags: one line per run (virtual range, physical range, size, page
//! size, DAGUXWRV, RSW, the PTE addresses the walk reads), grouped under
//! their regions, with the unmapped gaps between them, the table frames, and
//! every PTE the MMU would fault on; last, the invalid PTEs that hold
//! software values (pages a kernel swapped out).

use super::collect::Space;
use super::region::Region;
use super::runs::Run;
use super::share::{Shared, Sharing};
use super::snapshot::{Snapshot, TableId, When};
use crate::trace::format::flags;
use std::fmt::Write;
use sv39_arch::pte::PTE_RSW;
use sv39_arch::sv39::{level_size, LEVELS, VA_BITS};

/// The first address above the user half, and the lowest of the kernel half.
const USER_END: u128 = 1 << (VA_BITS - 1);
const KERNEL_START: u128 = (1u128 << 64) - USER_END;

/// `bytes` in binary units: "4 KiB", "1.5 MiB", "256 GiB".
pub fn size(bytes: u128) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut unit = 0;
    while unit + 1 < units.len() && bytes >= 1 << (10 * (unit + 1)) {
        unit += 1;
    }
    let whole = bytes >> (10 * unit);
    let exact = bytes as f64 / (1u128 << (10 * unit)) as f64;
    if bytes.is_multiple_of(1 << (10 * unit)) {
        format!("{whole} {}", units[unit])
    } else if format!("{exact:.1}").ends_with(".0") {
        format!("~{exact:.0} {}", units[unit])
    } else {
        format!("{exact:.1} {}", units[unit])
    }
}

/// Where and when a snapshot was read.
pub fn when(w: &When) -> String {
    let how = if w.at_exit { "at exit" } else { "at the satp write" };
    format!("{how}: hart {}, cycle {}, pc {:#x}, {}-mode", w.hart, w.cycle, w.pc, w.prv.letter())
}

/// "ASID 2 (root 0x80234000)" for each table, comma-separated.
pub fn tables(ids: &[TableId]) -> String {
    ids.iter().map(|t| format!("ASID {} (root {:#x})", t.asid, t.root)).collect::<Vec<_>>().join(", ")
}

/// Everything `--dump-pagetable` prints for `snaps`.
pub fn dump(snaps: &[Snapshot], sharing: &Sharing, dropped: usize) -> String {
    let mut out = String::new();
    for (i, s) in snaps.iter().enumerate() {
        let _ = writeln!(out, "== page table {} of {}: {}", i + 1, snaps.len(), heading(s));
        out += &body(i, s, sharing);
        out.push('\n');
    }
    if dropped > 0 {
        let _ = writeln!(out, "({dropped} later snapshots were not kept: at most {} are)", snaps.len());
    }
    out
}

fn heading(s: &Snapshot) -> String {
    let mut h = format!(
        "ASID {}, root table at PA {:#x} (satp {:#018x})\n   read {}",
        s.id.asid,
        s.id.root,
        s.satp,
        when(&s.first)
    );
    if s.readings > 1 {
        let _ = write!(h, "\n   read {} times, shown as last read {}", s.readings, when(&s.last));
    }
    h
}

fn body(snap: usize, s: &Snapshot, sharing: &Sharing) -> String {
    let mut out = summary(s);
    let _ = writeln!(
        out,
        "   {:<37}  {:<21}  {:>9}  {:<10}  DAGUXWRV  RSW  PTE addresses read (L2 / L1 / L0)",
        "virtual", "physical", "size", "page"
    );
    let mut prev: Option<u128> = None;
    for (region, label) in s.regions.iter().zip(&s.labels) {
        out += &gap(prev, region.va as u128);
        let shared = sharing.of_runs(snap, &region.runs);
        let notes = notes(region, &shared);
        let sep = if notes.is_empty() { "" } else { "  " };
        let _ = writeln!(out, "-- {}{sep}{notes}", region_line(region, &label.text()));
        for run in &region.runs {
            out += &run_line(run);
        }
        prev = Some(region.end());
    }
    if let Some(end) = prev {
        out += &gap(prev, if end <= USER_END { USER_END } else { 1 << 64 });
    }
    out + &soft(&s.space) + &anomalies(&s.space)
}

/// The runs of invalid PTEs that software keeps values in.
fn soft(space: &Space) -> String {
    if space.soft.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "   not present, PTE kept by software (V=0, other bits set; the MMU ignores them, 4.3.1): {} entries\n",
        space.soft_entries()
    );
    out += "   (under the bundled kernel, swapped-out pages: RSW bit 9 and the swap slot from bit 10)\n";
    for r in &space.soft {
        let _ = writeln!(
            out,
            "   {:#018x}-{:#018x}  {:>9}  {} x {}  first PTE {:#018x}",
            r.va,
            r.va.wrapping_add(r.size()).wrapping_sub(1),
            size(r.size() as u128),
            r.entries,
            size(level_size(r.level) as u128),
            r.first_pte
        );
    }
    out
}

fn summary(s: &Snapshot) -> String {
    let mut by_level = [0u64; LEVELS];
    for l in &s.space.leaves {
        by_level[l.level] += 1;
    }
    let mapped: u128 = s.runs.iter().map(|r| r.size() as u128).sum();
    let tables: Vec<String> = (0..LEVELS)
        .rev()
        .map(|lv| {
            let pas: Vec<String> =
                s.space.tables.iter().filter(|t| t.level == lv).map(|t| format!("{:#x}", t.pa)).collect();
            format!("L{lv} {}", if pas.is_empty() { "-".into() } else { pas.join(" ") })
        })
        .collect();
    format!(
        "   {} leaf PTEs (4 KiB: {}, 2 MiB: {}, 1 GiB: {}) in {} runs and {} regions map {}\n   tables: {}\n",
        s.space.leaves.len(),
        by_level[0],
        by_level[1],
        by_level[2],
        s.runs.len(),
        s.regions.len(),
        size(mapped),
        tables.join("; ")
    )
}

/// The unmapped stretch between `prev` (the end of the last region) and `next`.
fn gap(prev: Option<u128>, next: u128) -> String {
    let from = prev.unwrap_or(0);
    if from <= USER_END && next >= KERNEL_START {
        let below = if USER_END > from { format!("{} unmapped, then ", size(USER_END - from)) } else { String::new() };
        let above =
            if next > KERNEL_START { format!(", then {} unmapped", size(next - KERNEL_START)) } else { String::new() };
        return format!("   ({below}the non-canonical hole{above})\n");
    }
    if next > from {
        format!("   ({} unmapped)\n", size(next - from))
    } else {
        String::new()
    }
}

fn region_line(r: &Region, label: &str) -> String {
    let who = if r.user() { "user" } else { "supervisor" };
    let end = (r.end() - 1) as u64;
    format!("region {:#018x}-{end:#018x}  {}  {}  {who}  {label}", r.va, size(r.size as u128), r.flags())
}

fn notes(r: &Region, shared: &Shared) -> String {
    let mut n = Vec::new();
    if r.identity() {
        n.push("identity-mapped (VA = PA)".to_string());
    }
    if shared.shared > 0 {
        n.push(format!("{} of frames also mapped by {}", size(shared.shared as u128), tables(&shared.with)));
    }
    if shared.aliased > 0 {
        n.push(format!("{} of frames mapped here at more than one address", size(shared.aliased as u128)));
    }
    n.join("; ")
}

fn run_line(r: &Run) -> String {
    let va_last = (r.va as u128 + r.size() as u128 - 1) as u64;
    let page = size(level_size(r.level) as u128);
    let page = if r.leaves > 1 { format!("{page} x{}", r.leaves) } else { page };
    let rsw = (r.bits & PTE_RSW) >> 8;
    let pa = format!("{:#010x}-{:#010x}", r.pa, r.pa_end() - 1);
    format!(
        "   {:#018x}-{va_last:#018x}  {pa:<21}  {:>9}  {page:<10}  {}  {rsw:>3}  {}\n",
        r.va,
        size(r.size() as u128),
        flags(r.bits),
        path(r)
    )
}

/// The PTE addresses of the run's first leaf, and the range of its leaf PTEs.
fn path(r: &Run) -> String {
    let mut parts: Vec<String> = (r.level + 1..LEVELS).rev().map(|lv| format!("{:#x}", r.path[lv])).collect();
    let leaf = r.path[r.level];
    parts.push(if r.leaves > 1 { format!("{leaf:#x}..{:#x}", r.last_pte) } else { format!("{leaf:#x}") });
    parts.join(" / ")
}

fn anomalies(space: &Space) -> String {
    let mut out = String::new();
    for a in &space.anomalies {
        let _ = writeln!(
            out,
            "!! PTE at PA {:#x} (level {}, for VA {:#x}) = {:#018x}: {}; the MMU faults on any access through it",
            a.pte_addr,
            a.level,
            a.va,
            a.pte,
            a.fault.describe()
        );
    }
    if space.more_anomalies > 0 {
        let _ = writeln!(out, "!! and {} more such PTEs", space.more_anomalies);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::tests::Mem;
    use crate::inspect::phys::PhysMap;
    use sv39_arch::csr::{satp, Priv};
    use sv39_arch::pte::{make_pte, PTE_A, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X};

    const ROOT: u64 = 0x8010_0000;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(3 << 19), "1.5 MiB");
        assert_eq!(size(1 << 38), "256 GiB");
        assert_eq!(size(100), "100 B");
        assert_eq!(size((1 << 38) - 0x12000), "~256 GiB");
    }

    #[test]
    fn a_dump_shows_regions_runs_paths_gaps_and_anomalies() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x1_0000, 0x8040_0000, 0, PTE_R | PTE_X | PTE_U | PTE_A);
        m.map(ROOT, 0x1_1000, 0x8040_1000, 0, PTE_R | PTE_X | PTE_U | PTE_A);
        m.map(ROOT, 0xffff_ffc0_8000_0000, 0x8000_0000, 1, PTE_R | PTE_W | PTE_G);
        m.words.insert(ROOT + 8, make_pte(0x8000_0000, PTE_V | PTE_W)); // W without R
        let when = When { hart: 0, cycle: 5, pc: 0x8000_0000, prv: Priv::M, at_exit: true };
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![] };
        let s = Snapshot::take(&mut m, &phys, satp::sv39(3, ROOT >> 12), when).unwrap();
        let text = dump(&[s], &Sharing::default(), 0);
        assert!(text.contains("ASID 3, root table at PA 0x80100000"), "{text}");
        assert!(text.contains("read at exit: hart 0, cycle 5"), "{text}");
        assert!(text.contains("3 leaf PTEs (4 KiB: 2, 2 MiB: 1, 1 GiB: 0)"), "{text}");
        assert!(text.contains("user  text (inferred)"), "{text}");
        let run = text.lines().find(|l| l.starts_with("   0x0000000000010000-0x0000000000011fff")).unwrap();
        assert!(run.contains("0x80400000-0x80401fff") && run.contains("4 KiB x2"), "{run}");
        assert!(run.contains("-A-UX-RV") && run.ends_with("0x80100000 / 0x80101000 / 0x80102080..0x80102088"), "{run}");
        assert!(text.contains("(64 KiB unmapped)"), "{text}");
        assert!(text.contains("the non-canonical hole, then 2 GiB unmapped"), "{text}");
        assert!(text.contains("2 MiB       --G--WRV"), "the table's own bits: nothing set A or D\n{text}");
        assert!(text.contains("!! PTE at PA 0x80100008 (level 2, for VA 0x40000000)"), "{text}");
    }

    #[test]
    fn a_dump_lists_swapped_out_pages_after_the_regions() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x1_0000, 0x8040_0000, 0, PTE_R | PTE_W | PTE_U | PTE_A);
        m.words.insert(0x8010_2000 + 0x11 * 8, 0x200 | 5 << 10);
        m.words.insert(0x8010_2000 + 0x12 * 8, 0x200 | 6 << 10);
        let when = When { hart: 0, cycle: 5, pc: 0x8000_0000, prv: Priv::S, at_exit: true };
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![] };
        let s = Snapshot::take(&mut m, &phys, satp::sv39(1, ROOT >> 12), when).unwrap();
        let text = dump(&[s], &Sharing::default(), 0);
        assert!(text.contains("1 leaf PTEs"), "{text}");
        assert!(text.contains("PTE kept by software (V=0, other bits set; the MMU ignores them, 4.3.1): 2 entries"), "{text}");
        let run = text.lines().find(|l| l.starts_with("   0x0000000000011000-0x0000000000012fff")).unwrap();
        assert!(run.contains("8 KiB  2 x 4 KiB  first PTE 0x0000000000001600"), "{run}");
    }
}
