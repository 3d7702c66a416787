//! One panel of the picture: a snapshot's heading; its virtual address space
//! as boxes on the shared virtual axis, each with its details to the left
//! and its superpages and multiply-mapped frames marked on its edges;
//! physical memory on the shared physical axis; and bands from each run of
//! pages to its frames.

use super::axis::{Axis, Kind, Stretch};
use super::collect::SoftRun;
use super::label::Label;
use super::phys::PhysMap;
use super::region::Region;
use super::runs::Run;
use super::share::{Segment, Sharing};
use super::snapshot::{Snapshot, TableId};
use super::text::{size, when};
use super::xml::{s, Svg};
use sv39_arch::pte::{PTE_G, PTE_W, PTE_X};
use sv39_arch::sv39::level_size;

pub const PANEL_W: f64 = 900.0;
/// The virtual bar; details end just left of it.
const BAR_X: f64 = 300.0;
const BAR_W: f64 = 170.0;
/// The physical bar and its labels.
const PA_X: f64 = 580.0;
const PA_W: f64 = 50.0;
const PA_LABEL_X: f64 = 638.0;
const LINE: f64 = 12.0;
/// The mean width of a character of a region's name (bold, 10.5 px).
const NAME_CHAR_W: f64 = 6.6;
const MARK_W: f64 = 7.0;
/// Unmapped stretches at least this large get a break mark.
const BREAK_MIN: u128 = 1 << 20;

/// A snapshot and the shared axes it is drawn on.
pub struct Panel<'a> {
    pub snap: &'a Snapshot,
    pub index: usize,
    pub count: usize,
    pub va: &'a Axis,
    pub pa: &'a Axis,
    pub sharing: &'a Sharing,
    pub phys: &'a PhysMap,
    /// Where the axes start, below the heading.
    pub body_y: f64,
}

impl Panel<'_> {
    pub fn draw(&self, svg: &mut Svg) {
        self.heading(svg);
        svg.open("g", &[("transform", s(&format!("translate(0,{})", self.body_y)))]);
        for st in &self.va.stretches {
            self.va_background(svg, st);
        }
        self.bands(svg);
        for (r, label) in self.snap.regions.iter().zip(&self.snap.labels) {
            self.region(svg, r, label);
        }
        for run in &self.snap.space.soft {
            self.soft_run(svg, run);
        }
        for st in &self.pa.stretches {
            self.pa_stretch(svg, st);
        }
        svg.close("g");
    }

    fn heading(&self, svg: &mut Svg) {
        let snap = self.snap;
        let nth = if self.count > 1 { format!("{} of {}: ", self.index + 1, self.count) } else { String::new() };
        svg.text(0.0, 14.0, "head", &format!("{nth}ASID {} · root table at {:#x}", snap.id.asid, snap.id.root));
        let mut read = format!("read {}", when(&snap.first));
        if snap.readings > 1 {
            read += &format!("; read {} times, shown as at cycle {}", snap.readings, snap.last.cycle);
        }
        svg.text(0.0, 30.0, "sub", &read);
        let pages: u64 = snap.regions.iter().map(Region::pages).sum();
        let summary = format!(
            "{} regions, {pages} pages in {} runs of {} leaf PTEs; {} page tables{}",
            snap.regions.len(),
            snap.runs.len(),
            snap.space.leaves.len(),
            snap.space.tables.len(),
            soft_note(snap) + &anomaly_note(snap)
        );
        svg.text(0.0, 46.0, "sub", &summary);
        svg.text(BAR_X - 8.0, 70.0, "cap det", "details (VA range, size, flags, frames)");
        svg.text(BAR_X, 70.0, "cap", "virtual addresses");
        svg.text(PA_X - 4.0, 70.0, "cap", "physical memory");
    }

    /// A gap, the non-canonical hole, or a stretch only other snapshots map.
    fn va_background(&self, svg: &mut Svg, st: &Stretch) {
        let within = |lo: u128, hi: u128| lo <= st.lo && st.hi <= hi;
        let mapped_here = self.snap.regions.iter().any(|r| within(r.va as u128, r.end()))
            || self.snap.space.soft.iter().any(|r| within(r.va as u128, r.va as u128 + r.size() as u128));
        let class = match st.kind {
            Kind::Hole => "hole",
            Kind::Gap => "gap",
            Kind::Used if mapped_here => return,
            Kind::Used => "elsewhere",
        };
        rect(svg, BAR_X, st.top, BAR_W, st.height, class);
        let mid = st.top + st.height / 2.0;
        let bytes = st.hi - st.lo;
        let what = match st.kind {
            Kind::Hole => "non-canonical hole: no such addresses".to_string(),
            Kind::Gap => format!("{} unmapped", size(bytes)),
            Kind::Used => String::new(), // the key explains the grey; words here would crowd
        };
        if st.height >= 10.0 && !what.is_empty() {
            svg.text(BAR_X - 8.0, mid + 3.5, "gapt det", &what);
        }
        if st.kind != Kind::Used && bytes >= BREAK_MIN {
            break_mark(svg, BAR_X, BAR_W, mid);
        }
    }

    /// Bands from runs to frames: global (kernel) runs first, the rest on top.
    fn bands(&self, svg: &mut Svg) {
        let runs = &self.snap.runs;
        for run in runs.iter().filter(|r| r.bits & PTE_G != 0).chain(runs.iter().filter(|r| r.bits & PTE_G == 0)) {
            let (a1, a2) = (self.va.y(run.va as u128 + run.size() as u128), self.va.y(run.va as u128));
            let (b1, b2) = (self.pa.y(run.pa_end() as u128), self.pa.y(run.pa as u128));
            let (x1, x2) = (BAR_X + BAR_W, PA_X);
            let xm = (x1 + x2) / 2.0;
            let d = format!(
                "M{x1},{a1:.1} C{xm},{a1:.1} {xm},{b1:.1} {x2},{b1:.1} L{x2},{b2:.1} C{xm},{b2:.1} {xm},{a2:.1} {x1},{a2:.1} Z"
            );
            let global = if run.bits & PTE_G != 0 { " g" } else { "" };
            let class = format!("band {}{global}", perm_class(run.bits));
            svg.empty("path", &[("d", s(&d)), ("class", s(&class))]);
        }
    }

    fn region(&self, svg: &mut Svg, r: &Region, label: &Label) {
        let (top, bottom) = (self.va.y(r.end()), self.va.y(r.va as u128));
        let h = bottom - top;
        let lines = self.detail_lines(r, label);
        svg.open("g", &[]);
        svg.title(&lines.iter().map(|l| l.1.as_str()).collect::<Vec<_>>().join("\n"));
        rect(svg, BAR_X, top, BAR_W, h, &format!("box {}", perm_class(r.perms)));
        if !r.user() {
            rect(svg, BAR_X, top, BAR_W, h, "sup");
        }
        for run in &r.runs {
            self.marks(svg, run);
        }
        let mid = top + h / 2.0;
        let centre = BAR_X + BAR_W / 2.0;
        let name_y = if h >= 30.0 { mid - 1.0 } else { mid + 4.0 };
        name(svg, centre, name_y, &label.name);
        if h >= 30.0 {
            svg.text(centre, mid + 11.0, "sz", &size(r.size as u128));
        }
        if r.perms & PTE_G != 0 {
            badge(svg, BAR_X + BAR_W - 22.0, top + 9.0, "G");
        }
        svg.close("g");
        let fit = (((h - 4.0) / LINE).floor() as usize).max(1);
        for (i, (class, line)) in lines.iter().take(fit).enumerate() {
            svg.text(BAR_X - 8.0, top + 12.0 + LINE * i as f64, class, line);
        }
    }

    /// Invalid PTEs that hold software values: no frame, so no band; a
    /// dashed box with the count (the bundled kernel's swapped-out pages).
    fn soft_run(&self, svg: &mut Svg, run: &SoftRun) {
        let end = run.va as u128 + run.size() as u128;
        let (top, bottom) = (self.va.y(end), self.va.y(run.va as u128));
        let h = (bottom - top).max(2.0);
        let what = format!("{} x {} not present (V=0), PTEs kept by software", run.entries, size(level_size(run.level) as u128));
        svg.open("g", &[]);
        svg.title(&format!("{:#018x}-{:#018x}\n{what}\nfirst PTE {:#018x}", run.va, end - 1, run.first_pte));
        rect(svg, BAR_X, top, BAR_W, h, "swapped");
        if h >= 12.0 {
            let pages = if run.entries == 1 { "page" } else { "pages" };
            svg.text(BAR_X + BAR_W / 2.0, top + h / 2.0 + 3.5, "swt", &format!("{} {pages} swapped out", run.entries));
        }
        svg.close("g");
    }

    /// Name, range, size and flags, frames, sharing: as many as fit.
    fn detail_lines(&self, r: &Region, label: &Label) -> Vec<(&'static str, String)> {
        let last = (r.end() - 1) as u64;
        let mut sizes = format!("{} · {}", size(r.size as u128), r.flags());
        if let Some(big) = r.runs.iter().filter(|run| run.level > 0).map(|run| run.level).max() {
            let n: u64 = r.runs.iter().filter(|run| run.level == big).map(|run| run.leaves).sum();
            sizes += &format!(" · {} page x{n}", size(level_size(big) as u128));
        }
        let mut lines = vec![
            ("detb", label.text()),
            ("det mono", format!("{:#018x}-{last:#018x}", r.va)),
            ("det mono", sizes),
            ("det mono", self.frames(r)),
        ];
        let shared = self.sharing.of_runs(self.index, &r.runs);
        if shared.shared > 0 {
            lines.push(("det", format!("shared: {} with {}", size(shared.shared as u128), short_tables(&shared.with))));
        }
        if shared.aliased > 0 {
            lines.push(("det", format!("aliased: {} at 2+ addresses here", size(shared.aliased as u128))));
        }
        lines
    }

    /// Where the region's pages live physically.
    fn frames(&self, r: &Region) -> String {
        let first = &r.runs[0];
        let name = self.phys.name(first.pa).unwrap_or("no memory");
        if r.identity() {
            return format!("-> same addresses in {name} (identity)");
        }
        if r.linear() {
            let end = r.runs[r.runs.len() - 1].pa_end();
            return format!("-> {name} {:#x}-{:#x}", first.pa, end - 1);
        }
        format!("-> {} runs of frames, first {name} {:#x}", r.runs.len(), first.pa)
    }

    /// Superpages on the left edge; shared and aliased frames on the right.
    fn marks(&self, svg: &mut Svg, run: &Run) {
        let span = |from: u64, len: u64| {
            let lo = run.va as u128 + from as u128;
            let (top, bottom) = (self.va.y(lo + len as u128), self.va.y(lo));
            (top, (bottom - top).max(2.0))
        };
        if run.level > 0 {
            let (top, h) = span(0, run.size());
            rect(svg, BAR_X, top, MARK_W, h, "super");
        }
        for p in self.sharing.pieces(self.index, run) {
            let (top, h) = span(p.offset, p.len);
            if !p.with.is_empty() {
                rect(svg, BAR_X + BAR_W - MARK_W, top, MARK_W, h, "shared");
            }
            if p.aliased {
                rect(svg, BAR_X + BAR_W - 2.0 * MARK_W, top, MARK_W, h, "alias");
            }
        }
    }

    fn pa_stretch(&self, svg: &mut Svg, st: &Stretch) {
        if st.kind != Kind::Used {
            rect(svg, PA_X, st.top, PA_W, st.height, "gap");
            if st.hi - st.lo >= BREAK_MIN {
                break_mark(svg, PA_X, PA_W, st.top + st.height / 2.0);
            }
            if st.height >= 10.0 {
                let what = format!("{} not mapped", size(st.hi - st.lo));
                svg.text(PA_LABEL_X, st.top + st.height / 2.0 + 3.0, "pal gapt", &what);
            }
            return;
        }
        let (class, note) = self.frame_kind(st);
        svg.open("g", &[]);
        let label = format!("{:#x} {} {note}", st.lo, size(st.hi - st.lo)).trim_end().to_string();
        svg.title(&label);
        rect(svg, PA_X, st.top, PA_W, st.height, class);
        svg.close("g");
        // Frames reached only through other snapshots or the kernel's global
        // mappings (a direct map reaches them all) go unlabelled.
        let own = self.sharing.at(st.lo as u64).is_some_and(|seg| seg.mapped_privately_by(self.index));
        if (own || class == "pt" || class == "dev") && st.height >= 9.0 {
            svg.text(PA_LABEL_X, st.top + st.height / 2.0 + 3.0, "pal", &label);
        }
    }

    /// How this snapshot uses a stretch of physical memory, and a note.
    fn frame_kind(&self, st: &Stretch) -> (&'static str, String) {
        if let Some(t) = self.snap.space.tables.iter().find(|t| t.pa as u128 == st.lo) {
            let root = if t.pa == self.snap.id.root { " (root)" } else { "" };
            return ("pt", format!("page table L{}{root}", t.level));
        }
        match self.sharing.at(st.lo as u64) {
            Some(seg) if seg.mapped_by(self.index) => self.mapped_kind(seg),
            _ => ("other", "mapped in another snapshot".to_string()),
        }
    }

    fn mapped_kind(&self, seg: &Segment) -> (&'static str, String) {
        let others = self.sharing.others(seg, self.index);
        if !others.is_empty() {
            let more = if others.len() > 1 { format!(" +{}", others.len() - 1) } else { String::new() };
            return ("shared", format!("shared: ASID {}{more}", others[0].asid));
        }
        if seg.aliased_in(self.index) {
            return ("alias", "mapped twice".to_string());
        }
        match self.phys.name(seg.pa) {
            Some("RAM") => ("ram", String::new()),
            Some(device) => ("dev", device.to_string()),
            None => ("dev", "no memory".to_string()),
        }
    }
}

/// The first table as "ASID n @root", and how many more.
fn short_tables(ids: &[TableId]) -> String {
    match ids {
        [] => String::new(),
        [one] => format!("ASID {} @{:#x}", one.asid, one.root),
        [first, rest @ ..] => format!("ASID {} @{:#x} +{} more", first.asid, first.root, rest.len()),
    }
}

fn soft_note(snap: &Snapshot) -> String {
    match snap.space.soft_entries() {
        0 => String::new(),
        n => format!("; {n} pages not present, PTEs kept by software (swapped out)"),
    }
}

fn anomaly_note(snap: &Snapshot) -> String {
    match snap.space.anomalies.len() + snap.space.more_anomalies {
        0 => String::new(),
        n => format!("; {n} PTEs the MMU would fault on (see --dump-pagetable)"),
    }
}

/// The fill class for PTE permission bits.
fn perm_class(bits: u64) -> &'static str {
    match (bits & PTE_X != 0, bits & PTE_W != 0) {
        (true, true) => "p-rwx",
        (true, false) if bits & sv39_arch::pte::PTE_R != 0 => "p-rx",
        (true, false) => "p-x",
        (false, true) => "p-rw",
        (false, false) => "p-r",
    }
}

/// A region's name in its box, squeezed to fit when long.
fn name(svg: &mut Svg, x: f64, y: f64, text: &str) {
    let room = BAR_W - 16.0;
    let mut attrs = vec![("x", x.into()), ("y", y.into()), ("class", "name".into())];
    if text.chars().count() as f64 * NAME_CHAR_W > room {
        attrs.extend([("textLength", room.into()), ("lengthAdjust", "spacingAndGlyphs".into())]);
    }
    svg.leaf("text", &attrs, text);
}

fn rect(svg: &mut Svg, x: f64, y: f64, w: f64, h: f64, class: &str) {
    svg.empty(
        "rect",
        &[("x", x.into()), ("y", y.into()), ("width", w.into()), ("height", h.into()), ("class", s(class))],
    );
}

fn badge(svg: &mut Svg, x: f64, y: f64, letter: &str) {
    svg.empty("circle", &[("cx", x.into()), ("cy", y.into()), ("r", 6.0.into()), ("class", "badge".into())]);
    svg.text(x, y + 3.0, "badget", letter);
}

/// Two zigzags across a bar: the axis is broken here.
fn break_mark(svg: &mut Svg, x: f64, w: f64, y: f64) {
    for dy in [-2.5, 2.5] {
        let mut d = format!("M{},{}", x - 3.0, y + dy);
        let steps = ((w + 6.0) / 6.0).ceil() as usize;
        for i in 0..steps {
            let up = if i % 2 == 0 { -3.0 } else { 3.0 };
            d += &format!(" l6,{up}");
        }
        svg.empty("path", &[("d", s(&d)), ("class", "brk".into())]);
    }
}
