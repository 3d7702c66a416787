//! Pictures of address spaces: `--dump-pagetable` prints, and `--dump-vm`
//! draws as SVG, the page table satp names, read from the emulator's side
//! with no help from the guest: at exit, or each time satp is written with a
//! chosen ASID (`--dump-vm-asid`), so one process's space over time, or a
//! parent and child after fork, can be compared.
//!
//! The pieces, one concept a file: `collect` reads a table (leaves, table
//! frames, PTEs the MMU would fault on); `runs` collapses leaves into runs,
//! `region` runs into regions, `label` names regions; `share` finds frames
//! mapped more than once; `snapshot` is one reading; `text` prints, and
//! `axis`, `panel`, `svg` and `xml` draw.
//!
//! Readings happen between batches: with an observer, a satp write ends the
//! batch, so the table is read before the guest runs on under it.

pub mod axis;
pub mod collect;
pub mod label;
mod panel;
pub mod phys;
pub mod region;
pub mod runs;
pub mod share;
pub mod snapshot;
pub mod svg;
pub mod text;
mod xml;

use crate::bus::Bus;
use crate::hart::Hart;
use crate::trace::event::HartEvent;
use phys::PhysMap;
use share::Sharing;
use snapshot::{sv39_table, Snapshot, When};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// Snapshots beyond this many are counted, not kept (each is a panel).
pub const MAX_SNAPSHOTS: usize = 48;

/// The `--dump-*` options.
#[derive(clap::Args, Debug, Clone)]
pub struct InspectArgs {
    /// Print the page table satp names at exit (or each one
    /// --dump-vm-asid selects): like QEMU's `info mem`, with levels, PTE
    /// flags and PTE addresses. To stderr, or to PATH with
    /// --dump-pagetable=PATH.
    #[arg(long, value_name = "PATH", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    dump_pagetable: Option<PathBuf>,
    /// Draw the virtual address space satp names at exit (or each one
    /// --dump-vm-asid selects) as an SVG picture.
    #[arg(long, value_name = "PATH.svg")]
    dump_vm: Option<PathBuf>,
    /// Read the table each time satp is written with ASID N (`all`: any
    /// ASID), and at exit if satp still selects it; a table read again with
    /// the same mappings, or only more of them, is kept once, as last read.
    #[arg(long, value_name = "N|all", value_parser = parse_select)]
    dump_vm_asid: Option<Select>,
}

/// Which satp writes are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    /// None: only the tables satp names at exit.
    Exit,
    Asid(u16),
    All,
}

fn parse_select(s: &str) -> Result<Select, String> {
    if s == "all" {
        return Ok(Select::All);
    }
    s.parse().map(Select::Asid).map_err(|_| format!("`{s}` is not an ASID (0-65535) or `all`"))
}

impl InspectArgs {
    /// The inspector these options ask for; output files are created now,
    /// so a bad path is reported before the guest runs.
    pub fn inspector(&self) -> Result<Option<Inspector>, String> {
        let select = self.dump_vm_asid.unwrap_or(Select::Exit);
        if self.dump_pagetable.is_none() && self.dump_vm.is_none() {
            return match select {
                Select::Exit => Ok(None),
                _ => Err("--dump-vm-asid needs --dump-vm or --dump-pagetable".into()),
            };
        }
        let text = match &self.dump_pagetable {
            Some(path) if path.as_os_str() != "-" => Some(create(path)?),
            Some(_) => Some(Box::new(std::io::stderr()) as Box<dyn Write + Send>),
            None => None,
        };
        let svg = match &self.dump_vm {
            Some(path) => Some((path.clone(), create(path)?)),
            None => None,
        };
        Ok(Some(Inspector { select, text, svg, phys: None, snaps: Vec::new(), dropped: 0, asids: BTreeSet::new() }))
    }
}

fn create(path: &PathBuf) -> Result<Box<dyn Write + Send>, String> {
    let file = std::fs::File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    Ok(Box::new(std::io::BufWriter::new(file)))
}

/// Reads page tables as the options say and writes them out at the end.
pub struct Inspector {
    select: Select,
    text: Option<Box<dyn Write + Send>>,
    svg: Option<(PathBuf, Box<dyn Write + Send>)>,
    /// The board's map, taken from the bus at the first reading.
    phys: Option<PhysMap>,
    snaps: Vec<Snapshot>,
    dropped: usize,
    /// Every ASID satp selected with Sv39, for the note at exit.
    asids: BTreeSet<u16>,
}

impl Inspector {
    /// Starts recording `hart`'s events (satp writes among them).
    pub fn observe(&self, hart: &mut Hart) {
        hart.events.get_or_insert_with(Vec::new);
    }

    /// Reads the tables of the satp writes `hart` recorded in its last batch.
    pub fn after_batch(&mut self, hart: &Hart, bus: &mut Bus) {
        let Some(events) = &hart.events else { return };
        for e in events {
            let HartEvent::Satp { ctx, value } = e else { continue };
            let Some(id) = sv39_table(*value) else { continue };
            self.asids.insert(id.asid);
            let wanted = match self.select {
                Select::Exit => false,
                Select::Asid(n) => id.asid == n,
                Select::All => true,
            };
            if wanted {
                let when = When { hart: hart.id, cycle: ctx.cycle, pc: ctx.pc, prv: ctx.prv, at_exit: false };
                self.read(bus, *value, when);
            }
        }
    }

    /// Reads the tables the harts' satp name now, if selected, and writes
    /// everything out; problems writing are returned as one line.
    pub fn finish(mut self, harts: &[Hart], bus: &mut Bus) -> Result<(), String> {
        for h in harts {
            let value = h.csr.satp;
            let selected = match self.select {
                Select::Exit | Select::All => true,
                Select::Asid(n) => sv39_table(value).is_some_and(|id| id.asid == n),
            };
            if selected {
                let when = When { hart: h.id, cycle: h.cycle, pc: h.pc, prv: h.prv, at_exit: true };
                self.read(bus, value, when);
            }
        }
        self.note_at_exit();
        self.write()
    }

    /// Takes a snapshot, unless it repeats the last one of its table, or
    /// only adds pages to the latest snapshot (which it then updates: a
    /// process faulting its heap in is one picture, not one per switch).
    fn read(&mut self, bus: &mut Bus, value: u64, when: When) {
        let phys = self.phys.get_or_insert_with(|| PhysMap::of(bus));
        let Some(snap) = Snapshot::take(bus, phys, value, when) else { return };
        if let Some(prev) = self.snaps.iter_mut().rev().find(|s| s.id == snap.id) {
            if prev.same_mappings(&snap) {
                prev.refresh(snap);
                return;
            }
        }
        if let Some(last) = self.snaps.last_mut().filter(|last| last.grew_into(&snap)) {
            last.refresh(snap);
            return;
        }
        if self.snaps.len() < MAX_SNAPSHOTS {
            self.snaps.push(snap);
        } else {
            self.dropped += 1;
        }
    }

    /// At exit, a table without user pages while user spaces came and went
    /// (a kernel has torn the last process down): say how to see them.
    fn note_at_exit(&self) {
        let only_kernel = self.snaps.iter().all(|s| !s.has_user_pages());
        if self.select == Select::Exit && only_kernel && self.asids.len() > 1 {
            let asids: Vec<String> = self.asids.iter().map(u16::to_string).collect();
            eprintln!(
                "sv39: note: the page table at exit has no user pages; satp selected ASIDs {} during the run: \
                 --dump-vm-asid N (or all) reads them as they were",
                asids.join(", ")
            );
        }
    }

    fn write(mut self) -> Result<(), String> {
        let sharing = Sharing::new(&self.snaps);
        if let Some(out) = &mut self.text {
            let dump = text::dump(&self.snaps, &sharing, self.dropped);
            out.write_all(dump.as_bytes()).and_then(|_| out.flush()).map_err(|e| format!("--dump-pagetable: {e}"))?;
        }
        if let Some((path, out)) = &mut self.svg {
            let picture = svg::render(&self.snaps, &sharing, &self.phys.clone().unwrap_or_default(), self.dropped);
            out.write_all(picture.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asid_selection_parses() {
        assert_eq!(parse_select("all"), Ok(Select::All));
        assert_eq!(parse_select("7"), Ok(Select::Asid(7)));
        assert!(parse_select("65536").is_err());
        assert!(parse_select("-1").is_err());
    }
}
