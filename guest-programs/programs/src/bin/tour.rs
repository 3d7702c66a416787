//! `tour`: what `make run` shows. It does a little work (touches fresh heap
//! pages, forks children that touch pages of their own) and prints, from the
//! kernel's own /proc files, what that cost: page faults taken, pages
//! mapped, pages copied on write after fork, processes created, memory used.
//! A figure the kernel does not provide is shown as `n/a`, never made up.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use sv39_rt::abi::procfs::{keyed_value, stat_field, COW_COPIES, MEMINFO, SELF_STAT, SELF_STATUS, STAT};
use sv39_rt::abi::procfs::{STAT_MAJFLT, STAT_MINFLT, STAT_RSS};
use sv39_rt::abi::wait::WEXITSTATUS;
use sv39_rt::heap::PAGE;
use sv39_rt::{println, process, procfs, sys, Args, Errno};

sv39_rt::entry!(main);

/// Pages the tour touches itself, and in each child.
const OWN_PAGES: usize = 64;
const CHILD_PAGES: usize = 16;
const CHILDREN: i32 = 3;

/// The figures read at one moment; `None` where the kernel gives none.
#[derive(Clone, Copy, Default)]
struct Snapshot {
    minflt: Option<u64>,
    majflt: Option<u64>,
    rss: Option<u64>,
    cow_copies: Option<u64>,
    processes: Option<u64>,
    mem_total_kb: Option<u64>,
    mem_free_kb: Option<u64>,
}

fn snapshot() -> Snapshot {
    let stat = procfs::text(SELF_STAT).ok();
    let field = |n| stat.as_deref().and_then(|s| stat_field(s, n)).and_then(|v| v.parse().ok());
    let meminfo = procfs::text(MEMINFO).ok();
    let mem = |key| meminfo.as_deref().and_then(|m| keyed_value(m, key));
    Snapshot {
        minflt: field(STAT_MINFLT),
        majflt: field(STAT_MAJFLT),
        rss: field(STAT_RSS),
        cow_copies: procfs::value(SELF_STATUS, COW_COPIES),
        processes: procfs::text(STAT).ok().as_deref().and_then(|s| keyed_value(s, "processes")),
        mem_total_kb: mem("MemTotal"),
        mem_free_kb: mem("MemFree"),
    }
}

fn fig(v: Option<u64>) -> String {
    v.map_or("n/a".into(), |v| v.to_string())
}

/// `+N` between two readings of one counter.
fn delta(before: Option<u64>, after: Option<u64>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => alloc::format!("{:+}", a as i64 - b as i64),
        _ => "n/a".into(),
    }
}

/// Writes one byte in each of `pages` fresh heap pages; returns them.
fn touch_pages(pages: usize) -> Vec<u8> {
    let mut v = alloc::vec![0u8; pages * PAGE];
    for i in (0..v.len()).step_by(PAGE) {
        // SAFETY: i is inside v; volatile so the writes are not elided.
        unsafe { core::ptr::write_volatile(v.as_mut_ptr().add(i), 1) };
    }
    v
}

/// Forks the children; each touches pages and exits with its number.
fn fork_children() -> Result<Vec<i32>, Errno> {
    let mut statuses = Vec::new();
    for n in 0..CHILDREN {
        match sys::fork()? {
            0 => {
                drop(touch_pages(CHILD_PAGES));
                process::exit(n)
            }
            pid => statuses.push(WEXITSTATUS(process::wait(pid as i32)?.1)),
        }
    }
    Ok(statuses)
}

/// One line of the tour: a label in a column, then what happened.
fn say(label: &str, what: core::fmt::Arguments) {
    println!("{label:<18}{what}");
}

fn main(_args: Args) -> i32 {
    let start = snapshot();
    println!("tour: pid {}, parent {}; figures from {MEMINFO}, {SELF_STAT} and {STAT}", sys::getpid(), sys::getppid());
    say("memory:", format_args!("{} kB in all, {} kB free", fig(start.mem_total_kb), fig(start.mem_free_kb)));
    let (minflt, majflt, rss) = (fig(start.minflt), fig(start.majflt), fig(start.rss));
    say("so far:", format_args!("{minflt} minor + {majflt} major page faults, {rss} pages resident"));

    let pages = touch_pages(OWN_PAGES);
    let touched = snapshot();
    let (faults, resident) = (delta(start.minflt, touched.minflt), delta(start.rss, touched.rss));
    say("touch 64 pages:", format_args!("page faults {faults}, resident pages {resident}"));
    drop(pages);

    let statuses = match fork_children() {
        Ok(s) => s,
        Err(e) => {
            say("fork:", format_args!("failed: {e}"));
            return 1;
        }
    };
    let end = snapshot();
    let (created, copied) = (delta(touched.processes, end.processes), delta(touched.cow_copies, end.cow_copies));
    say("fork 3 children:", format_args!("exit statuses {statuses:?}, processes created {created}"));
    say("copy-on-write:", format_args!("pages the tour copied writing memory it shared with a child: {copied}"));
    let freed = delta(start.mem_free_kb, end.mem_free_kb);
    say("memory now:", format_args!("{} kB free ({freed} kB since the start)", fig(end.mem_free_kb)));
    let ok = statuses == (0..CHILDREN).collect::<Vec<_>>();
    if ok {
        0
    } else {
        1
    }
}
