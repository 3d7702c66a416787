//! `aslr`: address space layout randomization. Each exec places the stack,
//! the heap (the program break) and the mmap area at new random addresses;
//! the code of a static non-PIE program like this one stays where its ELF
//! header says (ET_EXEC at 0x10000).
//!
//! `aslr --once` prints this process's four addresses on one line.
//! `aslr [N] [--expect different|same]` runs `aslr --once` N times (default
//! 3), each a fresh exec, prints their lines, and checks them: by default
//! that every run put the stack, heap and mmap area somewhere new (and the
//! code in the same place); with `--expect same`, that all runs agree (as
//! with `norandmaps` on the kernel command line). Across boots, `sv39 run
//! --seed N` fixes the kernel's random seed (`--seed random`: a new one each
//! boot): the same seed gives the same layouts.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::abi::mman::{PROT_READ, PROT_WRITE};
use sv39_rt::abi::wait::WEXITSTATUS;
use sv39_rt::check::Checks;
use sv39_rt::fs::Fd;
use sv39_rt::io::STDOUT;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::{eprintln, println, process, sys, Args, Errno};

sv39_rt::entry!(main);

const USAGE: &str = "usage: aslr --once | aslr [N] [--expect different|same]";

/// This process's layout: stack, heap, mmap area, code.
fn addresses() -> Result<[usize; 4], Errno> {
    let local = 0u8;
    let map = Mmap::anon(PAGE, PROT_READ | PROT_WRITE)?;
    let code = main as fn(Args) -> i32 as usize;
    Ok([&local as *const u8 as usize, sys::brk(0), map.addr(), code])
}

fn once() -> i32 {
    match addresses() {
        Ok([stack, heap, mmap, code]) => {
            println!("stack {stack:#x} heap {heap:#x} mmap {mmap:#x} code {code:#x}");
            0
        }
        Err(e) => {
            eprintln!("aslr: {e}");
            1
        }
    }
}

/// Runs `program --once` in a child with its stdout in a pipe; returns
/// what it printed.
fn run_once(program: &[u8]) -> Result<String, Errno> {
    let [r, w] = sys::pipe2(0)?;
    let pid = process::spawn_program(program, &[b"aslr", b"--once"], || {
        sys::close(r)?;
        sys::dup3(w, STDOUT, 0).map(|_| ())
    })?;
    sys::close(w)?;
    let out = Fd::from_raw(r).read_to_end()?;
    let (_, status) = process::wait(pid)?;
    match WEXITSTATUS(status) {
        0 => Ok(String::from_utf8_lossy(&out).trim_end().into()),
        s => {
            eprintln!("aslr: `aslr --once` in child {pid} exited with status {s}");
            Err(Errno::ECHILD)
        }
    }
}

/// The (name, value) pairs of one `--once` line.
fn fields(line: &str) -> Vec<(&str, &str)> {
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    words.chunks(2).filter_map(|p| Some((*p.first()?, *p.get(1)?))).collect()
}

/// Checks the runs: each randomized field new in every run (or all the
/// same), the code always the same.
fn judge(c: &mut Checks, lines: &[String], expect_same: bool) {
    let runs: Vec<Vec<(&str, &str)>> = lines.iter().map(|l| fields(l)).collect();
    for (i, (name, _)) in runs[0].iter().enumerate() {
        let values: Vec<&str> = runs.iter().filter_map(|r| r.get(i).map(|f| f.1)).collect();
        let distinct = values.iter().enumerate().filter(|(k, v)| !values[..*k].contains(v)).count();
        let (n, same) = (values.len(), distinct == 1);
        if *name == "code" || expect_same {
            c.check(same && n == lines.len(), format_args!("{name}: the same in all {n} runs"));
        } else {
            c.check(distinct == n && n == lines.len(), format_args!("{name}: {distinct} different places in {n} runs"));
        }
    }
}

fn compare(program: &[u8], n: usize, expect_same: bool) -> Result<i32, Errno> {
    let mut lines = Vec::new();
    for i in 1..=n {
        let line = run_once(program)?;
        println!("run {i}: {line}");
        lines.push(line);
    }
    let mut c = Checks::new();
    c.check(lines.iter().all(|l| fields(l).len() == 4), format_args!("every run printed its four addresses"));
    judge(&mut c, &lines, expect_same);
    Ok(c.finish("aslr"))
}

/// Parses `[N] [--expect different|same]`.
fn options(args: &Args) -> Option<(usize, bool)> {
    let (mut n, mut same) = (3, false);
    let mut words = (1..args.len()).filter_map(|i| args.str(i));
    while let Some(w) = words.next() {
        match w {
            "--expect" => {
                same = match words.next()? {
                    "same" => true,
                    "different" => false,
                    _ => return None,
                }
            }
            _ => n = w.parse().ok().filter(|&n| n >= 2)?,
        }
    }
    Some((n, same))
}

fn main(args: Args) -> i32 {
    if args.str(1) == Some("--once") {
        return once();
    }
    let Some((n, same)) = options(&args) else {
        eprintln!("{USAGE}");
        return 2;
    };
    let program = args.get(0).map_or(&b"aslr"[..], |a| a.to_bytes());
    let run = process::find_program(program).and_then(|p| compare(&p, n, same));
    run.unwrap_or_else(|e| {
        eprintln!("aslr: {e}");
        1
    })
}
