//! `lazy`: demand paging. Allocating memory only reserves addresses; a page
//! costs a frame (and one minor page fault) when it is first touched. It
//! allocates 64 MiB (`vec![0; 64 MiB]`), then writes one byte in 16 of its
//! pages, reading the fault counter (getrusage; /proc/self/stat's minflt
//! shown beside it), the resident set (VmRSS) and the address space size
//! (VmSize, /proc/self/status) at each step. Exits 0 when allocating cost
//! next to nothing (at most 1/64 of what eager allocation would: qemu-riscv64
//! spends about 100 faults of its own on bookkeeping for 64 MiB) and
//! touching cost one fault and one page per page.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use sv39_rt::abi::procfs::{SELF_STAT, SELF_STATUS, STAT_MINFLT, VM_RSS, VM_SIZE};
use sv39_rt::check::Checks;
use sv39_rt::heap::PAGE;
use sv39_rt::{println, process, procfs, Args};

sv39_rt::entry!(main);

const SIZE: usize = 64 << 20;
const PAGES: u64 = (SIZE / PAGE) as u64;
const TOUCHED: usize = 16;
/// Faults and pages allowed beyond the touched ones: the program's own
/// stack and heap while it reads /proc (a first reading, taken and thrown
/// away, has faulted most of them in already).
const SLACK: u64 = 8;

/// The figures at one moment (`None`: this kernel does not give it).
#[derive(Clone, Copy)]
struct Reading {
    minflt: Option<u64>,
    stat_minflt: Option<u64>,
    rss_kb: Option<u64>,
    size_kb: Option<u64>,
}

fn read() -> Reading {
    Reading {
        minflt: process::minor_faults().ok(),
        stat_minflt: procfs::stat(SELF_STAT, STAT_MINFLT),
        rss_kb: procfs::value(SELF_STATUS, VM_RSS),
        size_kb: procfs::value(SELF_STATUS, VM_SIZE),
    }
}

/// `after - before`, or `None` when either is missing.
fn delta(before: Option<u64>, after: Option<u64>) -> Option<i64> {
    Some(after? as i64 - before? as i64)
}

fn show(v: Option<i64>, sign: bool) -> String {
    match v {
        Some(v) if sign => format!("{v:+}"),
        Some(v) => format!("{v}"),
        None => "n/a".into(),
    }
}

/// One line of the table: the step and its four figures.
fn row(step: &str, minflt: Option<i64>, stat: Option<i64>, rss: Option<i64>, size: Option<i64>, sign: bool) {
    let (f, s) = (show(minflt, sign), show(stat, sign));
    println!("{step:<22}{f:>13} {s:>14} {:>11} kB {:>11} kB", show(rss, sign), show(size, sign));
}

/// The row of how each figure moved from `a` to `b`.
fn row_delta(step: &str, a: &Reading, b: &Reading) {
    let faults = delta(a.minflt, b.minflt);
    let (stat, rss) = (delta(a.stat_minflt, b.stat_minflt), delta(a.rss_kb, b.rss_kb));
    row(step, faults, stat, rss, delta(a.size_kb, b.size_kb), true);
}

/// Whether `v` (a delta) lies in `lo..=hi`.
fn within(v: Option<i64>, lo: u64, hi: u64) -> bool {
    v.is_some_and(|v| (lo as i64..=hi as i64).contains(&v))
}

fn main(_args: Args) -> i32 {
    let _warm_up = read();
    let start = read();
    let mut buf = alloc::vec![0u8; SIZE];
    let at = buf.as_ptr() as usize;
    let allocated = read();
    let stride = SIZE / TOUCHED;
    for i in 0..TOUCHED {
        // SAFETY: inside buf; volatile so the write is not elided.
        unsafe { core::ptr::write_volatile(buf.as_mut_ptr().add(i * stride), 1) };
    }
    let touched = read();
    drop(buf);

    println!("lazy: 64 MiB allocated at {:#x}, then one byte written in {TOUCHED} of its pages", at);
    println!("{:<22}{:>13} {:>14} {:>14} {:>14}", "", "minor faults", "(stat minflt)", "VmRSS", "VmSize");
    let abs = |v: Option<u64>| v.map(|v| v as i64);
    row("at start", abs(start.minflt), abs(start.stat_minflt), abs(start.rss_kb), abs(start.size_kb), false);
    row_delta("after allocating", &start, &allocated);
    row_delta("after touching", &allocated, &touched);
    checks(&start, &allocated, &touched)
}

/// Allocating is next to free; touching costs a fault and a page per page.
fn checks(start: &Reading, allocated: &Reading, touched: &Reading) -> i32 {
    let mut c = Checks::new();
    let faults = |a: &Reading, b: &Reading| delta(a.minflt, b.minflt);
    let (f1, r1) = (faults(start, allocated), delta(start.rss_kb, allocated.rss_kb));
    let (cheap, cheap_kb) = (PAGES / 64, PAGES / 64 * 4);
    let what = format!("(at most {cheap}; an eager allocation takes {PAGES})");
    c.check(within(f1, 0, cheap), format_args!("allocating 64 MiB took {} faults {what}", show(f1, false)));
    let what = format!("(at most {cheap_kb}; an eager allocation takes {})", PAGES * 4);
    c.check(within(r1, 0, cheap_kb), format_args!("allocating 64 MiB grew VmRSS by {} kB {what}", show(r1, false)));
    let v1 = delta(start.size_kb, allocated.size_kb);
    c.check(
        within(v1, PAGES * 4, u64::MAX >> 1),
        format_args!("VmSize grew by {} kB (at least 65536)", show(v1, false)),
    );
    let t = TOUCHED as u64;
    let (f2, r2) = (faults(allocated, touched), delta(allocated.rss_kb, touched.rss_kb));
    let what = format!("({t} to {}: one a page, {SLACK} allowed for the program's own stack and heap)", t + SLACK);
    c.check(within(f2, t, t + SLACK), format_args!("touching {t} pages took {} faults {what}", show(f2, false)));
    let (lo, hi) = (t * 4, (t + SLACK) * 4);
    c.check(within(r2, lo, hi), format_args!("touching {t} pages grew VmRSS by {} kB ({lo} to {hi})", show(r2, false)));
    c.finish("lazy")
}
