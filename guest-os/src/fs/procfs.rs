//! /proc, in Linux's formats (sv39_abi::procfs documents what tests read):
//! `meminfo`, `stat`, and per process (`self` or a pid) `stat`, `status` and
//! `maps`. Each file's text is made when it is opened.

use super::vfs::{DirEntry, FileKind};
use crate::mm::{frame, heap};
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
        [pid, rest @ ..] => {
            let p = process(pid)?;
            match rest {
                [] => Ok(FileKind::ProcDir(process_entries(p.pid))),
                ["stat"] => Ok(FileKind::ProcText(process_stat(&p).into_bytes())),
                ["status"] => Ok(FileKind::ProcText(process_status(&p).into_bytes())),
                ["maps"] => Ok(FileKind::ProcText(maps(&p).into_bytes())),
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
    ];
    for p in scheduler::all() {
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
    ]
}

/// MemTotal/MemFree in kB as Linux writes them, and the frame counts.
fn meminfo() -> String {
    let (free, managed) = frame::counts();
    let (heap_used, heap_total) = heap::usage();
    let mut s = String::new();
    let _ = writeln!(s, "MemTotal:       {:8} kB", managed * 4);
    let _ = writeln!(s, "MemFree:        {:8} kB", free * 4);
    let _ = writeln!(s, "MemAvailable:   {:8} kB", free * 4);
    let _ = writeln!(s, "FramesTotal:    {:8}", managed);
    let _ = writeln!(s, "FramesFree:     {:8}", free);
    let _ = writeln!(s, "KernelHeap:     {:8} kB", heap_total / 1024);
    let _ = writeln!(s, "KernelHeapUsed: {:8} kB", heap_used / 1024);
    s
}

fn stat() -> String {
    let (alive, created) = scheduler::counts();
    let running = scheduler::all().iter().filter(|p| matches!(p.state.get(), State::Runnable | State::Running)).count();
    format!("cpu  0 0 0 0 0 0 0 0 0 0\nprocesses {created}\nprocs_running {running}\nprocs_total {alive}\n")
}

fn state_letter(p: &Process) -> char {
    match p.state.get() {
        State::Running | State::Runnable => 'R',
        State::Sleeping(_) => 'S',
        State::Zombie(_) => 'Z',
    }
}

/// (virtual size in bytes, resident pages).
fn memory_of(p: &Process) -> (u64, usize) {
    let inner = p.inner.borrow();
    match &inner.space {
        Some(s) => (s.vmas().map(|v| v.len()).sum(), s.resident_pages()),
        None => (0, 0),
    }
}

/// `/proc/<pid>/stat`: the 52 fields of proc(5); faults are 0 until issue 4.
fn process_stat(p: &Process) -> String {
    let (vsize, rss) = memory_of(p);
    let name = p.inner.borrow().name.clone();
    let mut s = format!("{} ({}) {} {} {} {} 0 -1 0", p.pid, name, state_letter(p), p.ppid.get(), p.pid, p.pid);
    s.push_str(" 0 0 0 0 0 0 0 0 20 0 1 0 0");
    let _ = write!(s, " {vsize} {rss}");
    for _ in 25..=52 {
        s.push_str(" 0");
    }
    s.push('\n');
    s
}

fn process_status(p: &Process) -> String {
    let (vsize, rss) = memory_of(p);
    let name = p.inner.borrow().name.clone();
    format!(
        "Name:\t{}\nState:\t{}\nPid:\t{}\nPPid:\t{}\nVmSize:\t{:8} kB\nVmRSS:\t{:8} kB\n",
        name,
        state_letter(p),
        p.pid,
        p.ppid.get(),
        vsize / 1024,
        rss * 4
    )
}

/// `/proc/<pid>/maps` in Linux's layout.
fn maps(p: &Process) -> String {
    use crate::mm::address_space::Label;
    let inner = p.inner.borrow();
    let mut s = String::new();
    let Some(space) = &inner.space else { return s };
    for v in space.vmas() {
        let rwx = v.perms.rwx();
        let name = match v.backing.label {
            Label::Program => "",
            Label::Heap => "[heap]",
            Label::Stack => "[stack]",
        };
        let _ = writeln!(
            s,
            "{:08x}-{:08x} {}{}{}p 00000000 00:00 0 {}",
            v.start, v.end, rwx[0] as char, rwx[1] as char, rwx[2] as char, name
        );
    }
    s
}
