//! /proc, in Linux's formats (sv39_abi::procfs documents what tests read):
//! `meminfo`, `stat`, `vmstat`, `diskstats`, `swaps`, and per process (`self` or a pid) `stat`, `status`,
//! `maps` and `smaps_rollup`. Each file's text is made when it is opened.

use super::blockdev;
use super::vfs::{DirEntry, FileKind};
use crate::drivers::{self, virtio::blk};
use crate::mm::address_space::{self, Label, VmStats};
use crate::mm::{frame, heap, swap};
use crate::proc::process::{Process, State};
use crate::proc::scheduler;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;
use sv39_abi::dirent::{DT_DIR, DT_REG};
use sv39_abi::Errno;

/// Inode numbers of /proc entries: 0x1_0000_0000 + pid * 16 + file.
const PROC_INO: u64 = 1 << 32;

/// Opens `/proc/<parts>`.
pub fn open(parts: &[&str]) -> Result<FileKind, Errno> {
    match parts {
        [] => Ok(FileKind::ProcDir(root_entries())),
        ["meminfo"] => Ok(FileKind::ProcText(meminfo().into_bytes())),
        ["stat"] => Ok(FileKind::ProcText(stat().into_bytes())),
        ["vmstat"] => Ok(FileKind::ProcText(vmstat().into_bytes())),
        ["diskstats"] => Ok(FileKind::ProcText(diskstats().into_bytes())),
        ["swaps"] => Ok(FileKind::ProcText(swaps().into_bytes())),
        [pid, rest @ ..] => {
            let p = process(pid)?;
            match rest {
                [] => Ok(FileKind::ProcDir(process_entries(p.pid))),
                ["stat"] => Ok(FileKind::ProcText(process_stat(&p).into_bytes())),
                ["status"] => Ok(FileKind::ProcText(process_status(&p).into_bytes())),
                ["maps"] => Ok(FileKind::ProcText(maps(&p).into_bytes())),
                ["smaps_rollup"] => Ok(FileKind::ProcText(smaps_rollup(&p).into_bytes())),
                _ => Err(Errno::ENOENT),
            }
        }
    }
}

fn process(name: &str) -> Result<Rc<Process>, Errno> {
    if name == "self" {
        return Ok(scheduler::current());
    }
    let pid = name.parse().map_err(|_| Errno::ENOENT)?;
    scheduler::get(pid).ok_or(Errno::ENOENT)
}

fn entry(name: &str, ino: u64, d_type: u8) -> DirEntry {
    DirEntry { name: name.to_string(), ino, d_type }
}

fn root_entries() -> Vec<DirEntry> {
    let mut v = alloc::vec![
        entry(".", PROC_INO, DT_DIR),
        entry("..", 1, DT_DIR),
        entry("meminfo", PROC_INO + 1, DT_REG),
        entry("stat", PROC_INO + 2, DT_REG),
        entry("self", PROC_INO + 3, DT_DIR),
        entry("diskstats", PROC_INO + 4, DT_REG),
        entry("swaps", PROC_INO + 5, DT_REG),
        entry("vmstat", PROC_INO + 6, DT_REG),
    ];
    // Processes, as Linux lists them: a thread's /proc/TID opens but is not listed.
    for p in scheduler::all().iter().filter(|p| p.is_leader()) {
        v.push(entry(&p.pid.to_string(), PROC_INO + p.pid as u64 * 16, DT_DIR));
    }
    v
}

fn process_entries(pid: u32) -> Vec<DirEntry> {
    let base = PROC_INO + pid as u64 * 16;
    alloc::vec![
        entry(".", base, DT_DIR),
        entry("..", PROC_INO, DT_DIR),
        entry("maps", base + 1, DT_REG),
        entry("stat", base + 2, DT_REG),
        entry("status", base + 3, DT_REG),
        entry("smaps_rollup", base + 4, DT_REG),
    ]
}

/// MemTotal/MemFree/Cached in kB as Linux writes them, and the frame
/// counts: free, and held by page caches alone (nothing maps them; file
/// data, or clean pages of initramfs files that could be read again).
fn meminfo() -> String {
    let (free, managed) = frame::counts();
    let (cached, cached_alone) = frame::cached_counts();
    let (heap_used, heap_total) = heap::usage();
    let mut s = String::new();
    let _ = writeln!(s, "MemTotal:       {:8} kB", managed * 4);
    let _ = writeln!(s, "MemFree:        {:8} kB", free * 4);
    let _ = writeln!(s, "MemAvailable:   {:8} kB", free * 4);
    let _ = writeln!(s, "Cached:         {:8} kB", cached * 4);
    let (swap_total, swap_free) = swap::totals();
    let _ = writeln!(s, "SwapTotal:      {:8} kB", swap_total * 4);
    let _ = writeln!(s, "SwapFree:       {:8} kB", swap_free * 4);
    let _ = writeln!(s, "SwapCached:     {:8} kB", swap::cached_pages() * 4);
    let _ = writeln!(s, "FramesTotal:    {:8}", managed);
    let _ = writeln!(s, "FramesFree:     {:8}", free);
    let _ = writeln!(s, "FramesCached:   {:8}", cached_alone);
    let _ = writeln!(s, "KernelHeap:     {:8} kB", heap_total / 1024);
    let _ = writeln!(s, "KernelHeapUsed: {:8} kB", heap_used / 1024);
    s
}

/// Event counts since boot, as Linux's /proc/vmstat lines.
fn vmstat() -> String {
    let sw = swap::stats();
    let (faults, major) = address_space::fault_counts();
    format!("pgfault {faults}\npgmajfault {major}\npswpin {}\npswpout {}\n", sw.pswpin, sw.pswpout)
}

fn stat() -> String {
    let (alive, created) = scheduler::counts();
    let running = scheduler::all().iter().filter(|p| matches!(p.state.get(), State::Runnable | State::Running)).count();
    format!("cpu  0 0 0 0 0 0 0 0 0 0\nprocesses {created}\nprocs_running {running}\nprocs_total {alive}\n")
}

/// The swap areas in Linux's layout (mm/swapfile.c, swap_show).
fn swaps() -> String {
    let mut s = String::from("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    for a in swap::areas() {
        let _ = writeln!(s, "{:<40}partition\t{}\t\t{}\t\t{}", a.name, a.size_kb, a.used_kb, a.priority);
    }
    s
}

/// Linux's 20 fields a disk (Documentation/admin-guide/iostats.rst):
/// nothing is merged or discarded here, times are in ms of guest time, and
/// "time doing I/O" is the sum of the requests' times.
fn diskstats() -> String {
    let mut s = String::new();
    for n in 0..blk::count() {
        let Some(d) = blk::stats(n) else { continue };
        let (major, minor) = (blockdev::rdev(n) >> 8, blockdev::rdev(n) & 0xff);
        let ms = |ns: u64| ns / 1_000_000;
        let busy = ms(d.read_ns + d.write_ns + d.flush_ns);
        let _ = writeln!(
            s,
            "{major:4} {minor:7} vd{} {} 0 {} {} {} 0 {} {} {} {busy} {busy} 0 0 0 0 {} {}",
            drivers::disk_letter(n),
            d.reads,
            d.sectors_read,
            ms(d.read_ns),
            d.writes,
            d.sectors_written,
            ms(d.write_ns),
            d.in_flight,
            d.flushes,
            ms(d.flush_ns),
        );
    }
    s
}

fn state_letter(p: &Process) -> char {
    match p.state.get() {
        State::Running | State::Runnable => 'R',
        State::Sleeping(_) => 'S',
        State::Zombie(_) => 'Z',
    }
}

/// What /proc says of a process's memory.
struct Memory {
    size: u64,
    resident: usize,
    peak: usize,
    swapped: usize,
    stats: VmStats,
}

fn memory_of(p: &Process) -> Memory {
    let inner = p.inner.borrow();
    match &inner.space {
        Some(s) => {
            let s = s.borrow();
            let (resident, peak) = s.resident_pages();
            Memory { size: s.virtual_size(), resident, peak, swapped: s.swapped_pages(), stats: s.stats() }
        }
        None => Memory { size: 0, resident: 0, peak: 0, swapped: 0, stats: p.usage.get().vm },
    }
}

/// `/proc/<pid>/stat`: the 52 fields of proc(5), faults in fields 10-13
/// (minflt, cminflt, majflt, cmajflt), vsize and rss in 23 and 24.
fn process_stat(p: &Process) -> String {
    let m = memory_of(p);
    let children = p.children_usage.get().vm;
    let name = p.inner.borrow().name.clone();
    let mut s = format!("{} ({}) {} {} {} {} 0 -1 0", p.pid, name, state_letter(p), p.ppid.get(), p.pid, p.pid);
    let faults = (m.stats.minor_faults, children.minor_faults, m.stats.major_faults, children.major_faults);
    let _ = write!(s, " {} {} {} {}", faults.0, faults.1, faults.2, faults.3);
    s.push_str(" 0 0 0 0 20 0 1 0 0");
    let _ = write!(s, " {} {}", m.size, m.resident);
    for _ in 25..=52 {
        s.push_str(" 0");
    }
    s.push('\n');
    s
}

/// `/proc/<pid>/status`: Linux's lines, and sv39's `CowCopies`.
fn process_status(p: &Process) -> String {
    let m = memory_of(p);
    let name = p.inner.borrow().name.clone();
    let mut s = format!("Name:\t{}\nState:\t{}\nPid:\t{}\nPPid:\t{}\n", name, state_letter(p), p.pid, p.ppid.get());
    let _ =
        write!(s, "VmSize:\t{:8} kB\nVmHWM:\t{:8} kB\nVmRSS:\t{:8} kB\n", m.size / 1024, m.peak * 4, m.resident * 4);
    let _ = writeln!(s, "VmSwap:\t{:8} kB", m.swapped * 4);
    let _ = writeln!(s, "CowCopies:\t{}", m.stats.cow_copies);
    s
}

/// `/proc/<pid>/smaps_rollup`: the span of the mappings, then Rss, Pss and
/// the shared/private clean/dirty split in kB, as Linux sums them.
fn smaps_rollup(p: &Process) -> String {
    let inner = p.inner.borrow();
    let Some(space) = &inner.space else { return String::new() };
    let space = space.borrow();
    let (start, end) =
        (space.vmas().iter().next().map_or(0, |v| v.start), space.vmas().iter().last().map_or(0, |v| v.end));
    let r = space.rollup();
    let mut s = maps_line(start, end, "---p", 0, (0, 0), "[rollup]");
    for (key, pages) in [("Rss", r.rss), ("Pss", 0), ("Shared_Clean", r.shared_clean), ("Shared_Dirty", r.shared_dirty)]
        .into_iter()
        .chain([("Private_Clean", r.private_clean), ("Private_Dirty", r.private_dirty)])
    {
        let kb = if key == "Pss" { r.pss_scaled >> 22 } else { pages * 4 };
        let _ = writeln!(s, "{:<16}{kb:>8} kB", alloc::format!("{key}:"));
    }
    s
}

/// One maps line as Linux's show_map_vma writes it: the name, if any,
/// starts at column 73.
fn maps_line(start: u64, end: u64, perms: &str, offset: u64, (ino, dev): (u64, u64), name: &str) -> String {
    let mut line = format!("{start:08x}-{end:08x} {perms} {offset:08x} 00:{dev:02x} {ino} ");
    if !name.is_empty() {
        while line.len() < 73 {
            line.push(' ');
        }
        line.push_str(name);
    }
    line.push('\n');
    line
}

/// `/proc/<pid>/maps` in Linux's layout: files show their offset, device
/// and inode; anonymous memory shows `[anon]`, `[heap]`, `[stack]`.
fn maps(p: &Process) -> String {
    let inner = p.inner.borrow();
    let mut s = String::new();
    let Some(space) = &inner.space else { return s };
    let space = space.borrow();
    for v in space.vmas().iter() {
        let rwx = v.perms.rwx();
        let share = if v.backing.shared { 's' } else { 'p' };
        let perms = format!("{}{}{}{share}", rwx[0] as char, rwx[1] as char, rwx[2] as char);
        let (offset, id) = match (&v.backing.file, v.backing.label) {
            (Some(f), Label::File) => (f.offset, (f.file.ino(), 1)),
            _ => (0, (0, 0)),
        };
        s.push_str(&maps_line(v.start, v.end, &perms, offset, id, &v.backing.name()));
    }
    s
}
