//! `--dump-vm`: snapshots drawn as one SVG, a panel per snapshot side by
//! side. Every panel shares two axes, so the same address sits at the same
//! height in each: the virtual address space (high addresses on top, regions
//! as coloured boxes, gaps compressed with a break mark), and physical memory
//! (the frames any snapshot maps, and the page-table frames), joined by bands
//! from each run of pages to its frames.

use super::axis::{Axis, Scale};
use super::panel::{Panel, PANEL_W};
use super::phys::PhysMap;
use super::share::Sharing;
use super::snapshot::Snapshot;
use super::xml::{s, Svg};
use sv39_arch::sv39::{PAGE_SIZE, VA_BITS};

const MARGIN: f64 = 24.0;
/// The title, the key, and each panel's heading.
const HEADER_H: f64 = 176.0;
const PANEL_HEAD_H: f64 = 78.0;

/// The top of the user half (exclusive) and the bottom of the kernel half.
const USER_END: u128 = 1 << (VA_BITS - 1);
const KERNEL_START: u128 = (1u128 << 64) - USER_END;
const TOP: u128 = 1 << 64;

/// Virtual regions: tall enough for five lines of details at 4 KiB.
const VA_SCALE: Scale =
    Scale { used_min: 64.0, used_per_doubling: 3.0, gap_min: 10.0, gap_per_doubling: 1.5, gap_max: 36.0, hole: 52.0 };
/// Physical frames: one line of label at 4 KiB.
const PA_SCALE: Scale =
    Scale { used_min: 13.0, used_per_doubling: 2.0, gap_min: 5.0, gap_per_doubling: 1.0, gap_max: 28.0, hole: 0.0 };

const CSS: &str = "\
text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;font-size:11px;fill:#222}
.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:10px}
.title{font-size:18px;font-weight:bold}
.sub{font-size:11px;fill:#555}
.head{font-size:13px;font-weight:bold}
.cap{font-size:10.5px;fill:#555;font-style:italic}
.det{text-anchor:end}
.detb{text-anchor:end;font-weight:bold}
.name{font-size:10.5px;font-weight:bold;text-anchor:middle}
.sz{font-size:9.5px;text-anchor:middle;fill:#333}
.gapt{font-size:9.5px;fill:#777;font-style:italic}
.pal{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:9px}
.box{stroke:#333;stroke-width:1}
.p-rx{fill:#f7b267;stroke:#b86f1d}
.p-x{fill:#f4845f;stroke:#b4461f}
.p-r{fill:#b5e48c;stroke:#5a9a2a}
.p-rw{fill:#90c2f9;stroke:#2f6fb8}
.p-rwx{fill:#ff6f69;stroke:#b3261e}
.box.p-rx,.box.p-x,.box.p-r,.box.p-rw,.box.p-rwx{stroke:#333}
.band{fill-opacity:.3;stroke-opacity:.6;stroke-width:.7}
.band.g{fill-opacity:.1;stroke-opacity:.3}
.sup{fill:url(#sup)}
.gap{fill:#fff;stroke:#bbb;stroke-dasharray:3 3}
.hole{fill:url(#hole);stroke:#999}
.elsewhere{fill:#f5f5f5;stroke:#ccc;stroke-dasharray:2 2}
.super{fill:#333}
.shared{fill:#d6336c}
.alias{fill:#f59f00}
.swapped{fill:#eee;stroke:#7048e8;stroke-width:1.2;stroke-dasharray:5 2}
.swt{font-size:9.5px;fill:#5f3dc4;text-anchor:middle;font-style:italic}
.pt{fill:#6c7a89;stroke:#333}
.ram{fill:#dde3ea;stroke:#667}
.dev{fill:#c9a27e;stroke:#664}
.other{fill:#f6f6f6;stroke:#ddd}
.brk{fill:none;stroke:#888;stroke-width:1.2}
.badge{fill:#fff;stroke:#333}
.badget{font-size:8.5px;font-weight:bold;text-anchor:middle}
";

/// The SVG for `snaps`, in order; `dropped` snapshots were not kept.
pub fn render(snaps: &[Snapshot], sharing: &Sharing, phys: &PhysMap, dropped: usize) -> String {
    let va = va_axis(snaps);
    let pa = pa_axis(snaps, sharing, phys);
    let width = 2.0 * MARGIN + PANEL_W * snaps.len().max(1) as f64;
    let height = HEADER_H + PANEL_HEAD_H + va.height.max(pa.height) + MARGIN;
    let mut svg = Svg::new(width, height, CSS);
    patterns(&mut svg);
    svg.empty("rect", &[("width", width.into()), ("height", height.into()), ("fill", "#fff".into())]);
    header(&mut svg, snaps.len(), dropped);
    if snaps.is_empty() {
        svg.text(MARGIN, HEADER_H, "head", "No page table: satp never selected Sv39 translation.");
    }
    for (i, snap) in snaps.iter().enumerate() {
        let x = MARGIN + PANEL_W * i as f64;
        svg.open("g", &[("transform", s(&format!("translate({x},{HEADER_H})")))]);
        let panel = Panel { snap, index: i, count: snaps.len(), va: &va, pa: &pa, sharing, phys, body_y: PANEL_HEAD_H };
        panel.draw(&mut svg);
        svg.close("g");
    }
    svg.finish()
}

/// Cut at every region and run of software PTEs of every snapshot, the halves of the address space,
/// and the non-canonical hole between them (when the kernel half is used).
fn va_axis(snaps: &[Snapshot]) -> Axis {
    let regions = snaps.iter().flat_map(|s| &s.regions).map(|r| (r.va as u128, r.end()));
    let soft = snaps.iter().flat_map(|s| &s.space.soft).map(|r| (r.va as u128, r.va as u128 + r.size() as u128));
    let used: Vec<(u128, u128)> = regions.chain(soft).collect();
    let mut cuts: Vec<u128> = used.iter().flat_map(|&(a, b)| [a, b]).collect();
    cuts.extend([0, USER_END]);
    let kernel_half = used.iter().any(|&(a, _)| a >= KERNEL_START);
    let mut holes = Vec::new();
    if kernel_half {
        cuts.extend([KERNEL_START, TOP]);
        holes.push((USER_END, KERNEL_START));
    }
    Axis::new(&cuts, &used, &holes, &VA_SCALE)
}

/// Cut at every mapped stretch of frames, every page-table frame, and the
/// ends of RAM.
fn pa_axis(snaps: &[Snapshot], sharing: &Sharing, phys: &PhysMap) -> Axis {
    let mut used: Vec<(u128, u128)> = sharing.segments.iter().map(|s| (s.pa as u128, s.end as u128)).collect();
    let tables = snaps.iter().flat_map(|s| &s.space.tables);
    used.extend(tables.map(|t| (t.pa as u128, (t.pa + PAGE_SIZE) as u128)));
    let mut cuts: Vec<u128> = used.iter().flat_map(|&(a, b)| [a, b]).collect();
    let (ram, ram_size) = phys.ram;
    cuts.extend([ram as u128, (ram + ram_size) as u128]);
    Axis::new(&cuts, &used, &[], &PA_SCALE)
}

fn patterns(svg: &mut Svg) {
    svg.open("defs", &[]);
    for (id, opacity) in [("sup", ".28"), ("hole", ".18")] {
        svg.open(
            "pattern",
            &[
                ("id", s(id)),
                ("width", 6.0.into()),
                ("height", 6.0.into()),
                ("patternUnits", "userSpaceOnUse".into()),
                ("patternTransform", "rotate(45)".into()),
            ],
        );
        svg.empty(
            "rect",
            &[("width", 2.0.into()), ("height", 6.0.into()), ("fill", "#000".into()), ("fill-opacity", s(opacity))],
        );
        svg.close("pattern");
    }
    svg.close("defs");
}

/// The title, how to read the picture, and the key.
fn header(svg: &mut Svg, count: usize, dropped: usize) {
    let what = if count == 1 { "one page table".to_string() } else { format!("{count} page-table snapshots") };
    svg.text(MARGIN, 30.0, "title", &format!("sv39: virtual address space, {what}, read from satp by the emulator"));
    let sub = "High addresses on top. Heights grow with the log of a stretch's size; long unmapped gaps are compressed";
    svg.text(MARGIN, 48.0, "sub", &format!("{sub} and marked with a break."));
    let mut sub2 =
        "Names marked (inferred) are guesses from permissions and position; device names come from the board's map."
            .to_string();
    if dropped > 0 {
        sub2 += &format!(" {dropped} later snapshots were not kept.");
    }
    svg.text(MARGIN, 62.0, "sub", &sub2);
    key(svg, MARGIN, 78.0);
}

fn key(svg: &mut Svg, x: f64, y: f64) {
    let swatches = [
        ("box p-rx", "R-X: code (text)"),
        ("box p-r", "R--: read-only data"),
        ("box p-rw", "RW-: data, heap, stack"),
        ("box p-rwx", "RWX: writable code"),
        ("box p-x", "--X: execute-only"),
    ];
    for (i, (class, what)) in swatches.iter().enumerate() {
        swatch(svg, x + 160.0 * i as f64, y, class, what);
    }
    let y2 = y + 22.0;
    swatch(svg, x, y2, "box p-rw", "");
    svg.empty(
        "rect",
        &[("x", x.into()), ("y", y2.into()), ("width", 18.0.into()), ("height", 12.0.into()), ("class", "sup".into())],
    );
    svg.text(x + 24.0, y2 + 10.0, "", "hatched: supervisor only (no U)");
    let marks = [
        (200.0, "super", "superpage (2 MiB / 1 GiB leaf)"),
        (410.0, "shared", "frame also mapped by another table"),
        (640.0, "alias", "frame mapped twice in this table"),
    ];
    for (dx, class, what) in marks {
        let mx = x + dx;
        svg.empty(
            "rect",
            &[
                ("x", (mx + 5.0).into()),
                ("y", y2.into()),
                ("width", 7.0.into()),
                ("height", 12.0.into()),
                ("class", s(class)),
            ],
        );
        svg.text(mx + 18.0, y2 + 10.0, "", what);
    }
    let y3 = y2 + 22.0;
    swatch(svg, x, y3, "pt", "page-table frame");
    swatch(svg, x + 160.0, y3, "elsewhere", "mapped only in another snapshot");
    swatch(svg, x + 380.0, y3, "swapped", "not present, PTE kept by software (swapped out)");
    svg.text(
        x,
        y3 + 32.0,
        "",
        "G: global. Flags DAGUXWRV as in the PTE; a / d: only some pages accessed / dirty.",
    );
}

fn swatch(svg: &mut Svg, x: f64, y: f64, class: &str, what: &str) {
    svg.empty(
        "rect",
        &[("x", x.into()), ("y", y.into()), ("width", 18.0.into()), ("height", 12.0.into()), ("class", s(class))],
    );
    if !what.is_empty() {
        svg.text(x + 24.0, y + 10.0, "", what);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::tests::Mem;
    use crate::inspect::snapshot::When;
    use sv39_arch::csr::{satp, Priv};
    use sv39_arch::pte::{PTE_G, PTE_R, PTE_U, PTE_W, PTE_X};

    const ROOT: u64 = 0x8010_0000;

    /// Every text of `svg` with its y.
    fn texts(svg: &str) -> Vec<(String, f64)> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let text = doc.descendants().filter(|n| n.has_tag_name("text"));
        text.map(|n| (n.text().unwrap_or("").to_string(), n.attribute("y").unwrap().parse().unwrap())).collect()
    }

    #[test]
    fn a_process_and_the_kernel_half_are_drawn_top_down() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x1_0000, 0x8040_0000, 0, PTE_R | PTE_X | PTE_U);
        m.map(ROOT, 0x3f_ffff_f000, 0x8040_1000, 0, PTE_R | PTE_W | PTE_U);
        m.map(ROOT, 0xffff_ffc0_8000_0000, 0x8000_0000, 1, PTE_R | PTE_W | PTE_G);
        m.map(ROOT, 0xffff_ffc0_1000_0000, 0x1000_0000, 0, PTE_R | PTE_W | PTE_G);
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![(0x1000_0000, 0x100, "UART")] };
        let when = When { hart: 0, cycle: 1, pc: 0, prv: Priv::S, at_exit: true };
        let snaps = [Snapshot::take(&mut m, &phys, satp::sv39(5, ROOT >> 12), when).unwrap()];
        let svg = render(&snaps, &Sharing::new(&snaps), &phys, 0);
        let t = texts(&svg);
        let y = |s: &str| t.iter().find(|x| x.0 == s).unwrap_or_else(|| panic!("no {s:?} in {t:?}")).1;
        let hole = y("non-canonical hole: no such addresses");
        assert!(y("kernel data") < y("UART") && y("UART") < hole && hole < y("stack") && y("stack") < y("text"));
        assert!(t.iter().any(|x| x.0 == "0x80100000 4 KiB page table L2 (root)"), "{t:?}");
        assert!(t.iter().any(|x| x.0 == "0x80401000 4 KiB"), "a user frame, labelled: {t:?}");
        assert!(t.iter().any(|x| x.0 == "ASID 5 · root table at 0x80100000"), "{t:?}");
        assert!(svg.contains("class=\"super\""), "the 2 MiB page is marked");
    }

    #[test]
    fn no_snapshot_still_makes_a_picture() {
        let t = texts(&render(&[], &Sharing::default(), &PhysMap::default(), 0));
        assert!(t.iter().any(|x| x.0.starts_with("No page table")), "{t:?}");
    }

    #[test]
    fn swapped_out_pages_are_drawn_where_they_would_be_mapped() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x1_0000, 0x8040_0000, 0, PTE_R | PTE_W | PTE_U);
        let pte_addr = crate::inspect::collect::collect(&mut m, ROOT).leaves[0].path[0];
        for i in 1..4 {
            m.words.insert(pte_addr + i * 8, 0x200 | i << 10);
        }
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![] };
        let when = When { hart: 0, cycle: 1, pc: 0, prv: Priv::S, at_exit: true };
        let snaps = [Snapshot::take(&mut m, &phys, satp::sv39(2, ROOT >> 12), when).unwrap()];
        let svg = render(&snaps, &Sharing::new(&snaps), &phys, 0);
        let t = texts(&svg);
        let y = |s: &str| t.iter().find(|x| x.0 == s).unwrap_or_else(|| panic!("no {s:?} in {t:?}")).1;
        assert!(y("3 pages swapped out") < y("data / heap"), "above the resident page: {t:?}");
        assert!(t.iter().any(|x| x.0.contains("; 3 pages not present, PTEs kept by software")), "{t:?}");
        assert!(svg.contains("class=\"swapped\""), "the key and the box");
    }
}
