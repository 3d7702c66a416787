//! `sharetext [N]`: several copies of one program share one copy of its
//! code. It runs N (default 4) copies of itself, each a fresh exec of the
//! same file; each reads every page of its code and read-only data, then
//! waits. While all are alive, the parent reads each one's
//! /proc/<pid>/smaps_rollup: `Shared_Clean` counts resident pages that
//! another process maps too (the page cache's frames of the file), `Pss`
//! divides each page among the processes that map it. Exits 0 when every
//! copy shares all of its code and read-only data, and the copies' Pss adds
//! up to less than their Rss (which counts a shared page in full for each).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::abi::procfs::{FRAMES_FREE, MEMINFO, PSS, RSS, SHARED_CLEAN};
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::check::Checks;
use sv39_rt::fs::Fd;
use sv39_rt::procfs::{pid_path, value, Maps};
use sv39_rt::{eprintln, println, process, sys, Args, Errno};

sv39_rt::entry!(main);

/// The read-only mappings of this program's file: (start, end).
fn own_readonly(maps: &Maps, program: &str) -> Vec<(u64, u64)> {
    let name = |p: &str| p.rsplit('/').next() == Some(program);
    maps.iter().filter(|m| name(m.path) && !m.writable()).map(|m| (m.start, m.end)).collect()
}

/// The child: reads a byte of every page of its code and read-only data,
/// says so on `ready`, then waits for `go` to close.
fn child(program: &str, ready: i32, go: i32) -> i32 {
    let Ok(maps) = Maps::read(None) else { return 1 };
    let mut sum = 0u8;
    for (start, end) in own_readonly(&maps, program) {
        for page in (start..end).step_by(4096) {
            // SAFETY: the page is mapped readable (r--/r-x) by this program.
            sum = sum.wrapping_add(unsafe { core::ptr::read_volatile(page as *const u8) });
        }
    }
    core::hint::black_box(sum);
    if sys::write(ready, b"r").is_err() {
        return 1;
    }
    let mut b = [0u8; 1];
    while let Ok(1) = sys::read(go, &mut b) {}
    0
}

/// Starts one copy: `PROGRAM --child READY GO` with those pipe ends
/// inherited and the parent's ends (`keep`) closed, so that closing the
/// parent's end of `go` is the end of file every copy waits for.
fn start(path: &[u8], [ready, go]: [i32; 2], keep: [i32; 2]) -> Result<i32, Errno> {
    let (r, g) = (format!("{ready}"), format!("{go}"));
    let argv: [&[u8]; 4] = [b"sharetext", b"--child", r.as_bytes(), g.as_bytes()];
    process::spawn_program(path, &argv, || keep.iter().try_for_each(|&fd| sys::close(fd).map(|_| ())))
}

/// One copy's figures: pid, Rss, Pss, Shared_Clean (kB), read-only kB.
struct Copy {
    pid: i32,
    rss: u64,
    pss: u64,
    shared: u64,
    readonly: u64,
}

fn measure(pid: i32, program: &str) -> Result<Copy, Errno> {
    let rollup = pid_path(Some(pid), "smaps_rollup");
    let get = |key| value(&rollup, key).ok_or(Errno::ENODATA);
    let maps = Maps::read(Some(pid))?;
    let readonly = own_readonly(&maps, program).iter().map(|(s, e)| (e - s) / 1024).sum();
    Ok(Copy { pid, rss: get(RSS)?, pss: get(PSS)?, shared: get(SHARED_CLEAN)?, readonly })
}

/// Starts `n` copies, measures them while all are alive, lets them go.
fn run(c: &mut Checks, path: &[u8], program: &str, n: usize) -> Result<(), Errno> {
    let frames_before = value(MEMINFO, FRAMES_FREE);
    println!("sharetext: {n} copies of {program}, each a fresh exec; while all of them run:");
    let ([ready_r, ready_w], [go_r, go_w]) = (sys::pipe2(0)?, sys::pipe2(0)?);
    let start_one = |_| start(path, [ready_w, go_r], [ready_r, go_w]);
    let pids: Vec<i32> = (0..n).map(start_one).collect::<Result<_, _>>()?;
    sys::close(ready_w)?;
    sys::close(go_r)?;
    let mut b = [0u8; 1];
    let ready = (0..n).filter(|_| sys::read(ready_r, &mut b) == Ok(1)).count();
    let frames_during = value(MEMINFO, FRAMES_FREE);
    let copies: Result<Vec<Copy>, Errno> = pids.iter().map(|&p| measure(p, program)).collect();
    drop(Fd::from_raw(go_w));
    let statuses: Vec<i32> = pids.iter().filter_map(|&p| process::wait(p).ok()).map(|(_, s)| s).collect();
    c.check(ready == n, format_args!("{ready} of {n} copies started and read their code"));
    report(c, &copies?, frames_before.zip(frames_during));
    let ok = statuses.iter().filter(|&&s| WIFEXITED(s) && WEXITSTATUS(s) == 0).count();
    c.check(ok == n, format_args!("{ok} of {n} copies exited with status 0"));
    Ok(())
}

fn report(c: &mut Checks, copies: &[Copy], frames: Option<(u64, u64)>) {
    println!("{:>6} {:>10} {:>10} {:>14} {:>16}", "pid", "Rss kB", "Pss kB", "Shared_Clean", "code+rodata kB");
    for k in copies {
        println!("{:>6} {:>10} {:>10} {:>11} kB {:>16}", k.pid, k.rss, k.pss, k.shared, k.readonly);
        let what = format_args!(
            "pid {}: all {} kB of code and read-only data shared ({} kB shared)",
            k.pid, k.readonly, k.shared
        );
        c.check(k.readonly > 0 && k.shared >= k.readonly, what);
    }
    let (rss, pss): (u64, u64) = (copies.iter().map(|k| k.rss).sum(), copies.iter().map(|k| k.pss).sum());
    let n = copies.len();
    let what =
        format_args!("{n} copies: Rss adds up to {rss} kB, Pss (shared pages split among their mappers) to {pss} kB");
    c.check(pss < rss, what);
    let used: String = frames.map_or("n/a".into(), |(before, during)| format!("{}", before.saturating_sub(during)));
    println!("frames the {n} copies took ({FRAMES_FREE} before and during): {used}; Rss counts {} pages", rss / 4);
}

fn main(args: Args) -> i32 {
    let program = args.program();
    if args.str(1) == Some("--child") {
        let fd = |i| args.str(i).and_then(|s| s.parse().ok()).unwrap_or(-1);
        return child(program, fd(2), fd(3));
    }
    let Some(n) = args.str(1).map_or(Some(4), |s| s.parse().ok().filter(|&n: &usize| n >= 2)) else {
        eprintln!("usage: sharetext [N]   (N >= 2 copies, default 4)");
        return 2;
    };
    let argv0 = args.get(0).map_or(&b"sharetext"[..], |a| a.to_bytes());
    let mut c = Checks::new();
    let r = process::find_program(argv0).and_then(|path| run(&mut c, &path, program, n));
    match r {
        Ok(()) => c.finish("sharetext"),
        Err(e) => {
            eprintln!("sharetext: {e}");
            1
        }
    }
}
