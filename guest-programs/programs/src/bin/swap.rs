//! `swap [-q] [-s] [MIB]`: a working set larger than RAM. Maps MIB MiB
//! (three times MemTotal without it), writes every 8-byte word, forks; the
//! child reads every word back, then writes one word in every 8th page of
//! its own and checks that those read its values and the rest the parent's;
//! the parent, after the child, reads every word again. Private memory by
//! default: the child's writes stayed the child's. With -s the working set
//! is a POSIX shared memory object (shm_open, MAP_SHARED): the parent sees
//! the child's writes. Under a kernel that swaps, pages go out to swap and
//! come back on major faults: without -q the program prints the figures
//! (its major faults, /proc/vmstat's pswpin/pswpout, VmSwap, SwapFree)
//! before and after each step. Exits 0 when every word held.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use sv39_rt::abi::fcntl::{O_CREAT, O_EXCL, O_RDWR};
use sv39_rt::abi::mman::{MAP_SHARED, PROT_READ, PROT_WRITE};
use sv39_rt::abi::procfs::{
    MEMINFO, PGMAJFAULT, PSWPIN, PSWPOUT, SELF_STAT, SELF_STATUS, STAT_MAJFLT, SWAP_FREE, VMSTAT, VM_RSS, VM_SWAP,
};
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::check::Checks;
use sv39_rt::heap::PAGE;
use sv39_rt::fs::Fd;
use sv39_rt::mman::Mmap;
use sv39_rt::shm::{shm_open, shm_unlink};
use sv39_rt::{eprintln, println, process, procfs, sys, Args, Errno};

sv39_rt::entry!(main);

const MIB: usize = 1 << 20;
const WORDS_PER_PAGE: usize = PAGE / 8;
/// The child writes one word in every this many pages.
const CHILD_STRIDE: usize = 8;

/// The working set, one u64 word at a time.
struct Words(Mmap);

impl Words {
    fn len(&self) -> usize {
        self.0.len() / 8
    }

    fn ptr(&self, i: usize) -> *mut u64 {
        (self.0.addr() + i * 8) as *mut u64
    }

    fn get(&self, i: usize) -> u64 {
        // SAFETY: i < len(): inside the mapping, which only this process
        // and its child use, one at a time.
        unsafe { core::ptr::read_volatile(self.ptr(i)) }
    }

    fn set(&self, i: usize, v: u64) {
        // SAFETY: as `get`.
        unsafe { core::ptr::write_volatile(self.ptr(i), v) }
    }

    /// What word `i` holds after the parent's fill.
    fn pattern(i: usize) -> u64 {
        (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5a5a
    }

    /// What the child writes over word `i`.
    fn childs(i: usize) -> u64 {
        !Words::pattern(i)
    }

    /// The words that do not hold `want(i)`, said for a check line.
    fn mismatches(&self, want: impl Fn(usize) -> u64) -> (usize, String) {
        let (bad, first) =
            (0..self.len()).filter(|&i| self.get(i) != want(i)).fold((0, None), |(n, f), i| (n + 1, f.or(Some(i))));
        let said = match first {
            None => "none differ".into(),
            Some(i) => format!("{bad} differ, the first at word {i}"),
        };
        (bad, said)
    }
}

/// The figures a step changes, where the kernel has them (Linux and sv39).
#[derive(Clone, Copy, Default)]
struct Figures {
    majflt: Option<u64>,
    pswpin: Option<u64>,
    pswpout: Option<u64>,
    pgmajfault: Option<u64>,
    vm_swap_kb: Option<u64>,
    vm_rss_kb: Option<u64>,
    swap_free_kb: Option<u64>,
}

impl Figures {
    fn now() -> Figures {
        Figures {
            majflt: procfs::stat(SELF_STAT, STAT_MAJFLT),
            pswpin: procfs::value(VMSTAT, PSWPIN),
            pswpout: procfs::value(VMSTAT, PSWPOUT),
            pgmajfault: procfs::value(VMSTAT, PGMAJFAULT),
            vm_swap_kb: procfs::value(SELF_STATUS, VM_SWAP),
            vm_rss_kb: procfs::value(SELF_STATUS, VM_RSS),
            swap_free_kb: procfs::value(MEMINFO, SWAP_FREE),
        }
    }
}

fn delta(a: Option<u64>, b: Option<u64>) -> String {
    a.zip(b).map_or("n/a".into(), |(a, b)| format!("+{}", b.wrapping_sub(a)))
}

fn count(v: Option<u64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v}"))
}

fn kb(v: Option<u64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v} kB"))
}

/// One line of figures for a step, from `before` to now.
fn report(quiet: bool, who: &str, step: &str, before: Figures) -> Figures {
    let now = Figures::now();
    if !quiet {
        println!(
            "  [{who} {step}] majflt {}, pswpout {}, pswpin {}, pgmajfault {}; VmRSS {}, VmSwap {}, SwapFree {}",
            delta(before.majflt, now.majflt),
            delta(before.pswpout, now.pswpout),
            delta(before.pswpin, now.pswpin),
            delta(before.pgmajfault, now.pgmajfault),
            kb(now.vm_rss_kb),
            kb(now.vm_swap_kb),
            kb(now.swap_free_kb),
        );
    }
    now
}

/// Whether the child writes word `i`: the first of every 8th page.
fn child_wrote(i: usize) -> bool {
    i % (WORDS_PER_PAGE * CHILD_STRIDE) == 0
}

fn child(words: &Words, quiet: bool) -> i32 {
    let mut c = Checks::new();
    let f = Figures::now();
    let (bad, said) = words.mismatches(Words::pattern);
    c.check(bad == 0, format_args!("child: all {} words read back as the parent wrote them ({said})", words.len()));
    let f = report(quiet, "child", "read", f);
    let pages = words.len() / WORDS_PER_PAGE;
    (0..pages).step_by(CHILD_STRIDE).for_each(|p| words.set(p * WORDS_PER_PAGE, Words::childs(p * WORDS_PER_PAGE)));
    let (bad, said) = words.mismatches(|i| if child_wrote(i) { Words::childs(i) } else { Words::pattern(i) });
    c.check(
        bad == 0,
        format_args!("child: wrote a word in {} pages; they and the rest read back ({said})", pages.div_ceil(CHILD_STRIDE)),
    );
    report(quiet, "child", "wrote", f);
    c.finish("swap (child)")
}

/// The name of the shared memory object of -s.
const SHM_NAME: &[u8] = b"/swap";

/// A shared memory object of `len` bytes mapped whole; its name is gone at
/// once, so the memory goes with the mapping.
fn shared_memory(len: usize) -> Result<Mmap, Errno> {
    let fd = Fd::from_raw(shm_open(SHM_NAME, O_RDWR | O_CREAT | O_EXCL, 0o600)?);
    shm_unlink(SHM_NAME)?;
    sys::ftruncate(fd.raw(), len as i64)?;
    Mmap::new(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd.raw(), 0)
}

fn run(mib: usize, quiet: bool, shared: bool) -> Result<i32, Errno> {
    let start = Figures::now();
    if !quiet {
        println!("swap: before: SwapFree {}, pswpout {}, pswpin {}", kb(start.swap_free_kb), count(start.pswpout), count(start.pswpin));
    }
    let (map, what) = match shared {
        true => (shared_memory(mib * MIB)?, "shared memory (shm_open, MAP_SHARED)"),
        false => (Mmap::anon(mib * MIB, PROT_READ | PROT_WRITE)?, "private memory"),
    };
    let words = Words(map);
    println!("swap: a working set of {mib} MiB of {what}: {} pages, {} words", mib * MIB / PAGE, words.len());
    (0..words.len()).for_each(|i| words.set(i, Words::pattern(i)));
    let f = report(quiet, "parent", "filled", start);
    let pid = process::fork_child(|| child(&words, quiet))?;
    let (_, status) = process::wait(pid)?;
    let mut c = Checks::new();
    c.check(WIFEXITED(status) && WEXITSTATUS(status) == 0, format_args!("parent: the child's checks held (status {status:#x})"));
    let f = report(quiet, "parent", "waited", f);
    let (bad, said) = words.mismatches(|i| if shared && child_wrote(i) { Words::childs(i) } else { Words::pattern(i) });
    let theirs = if shared { "the child's writes among them" } else { "the child's writes not among them" };
    c.check(bad == 0, format_args!("parent: all {} words as written, {theirs} ({said})", words.len()));
    report(quiet, "parent", "read", f);
    drop(words);
    if !quiet {
        let end = Figures::now();
        println!("swap: after: SwapFree {}, VmSwap {}", kb(end.swap_free_kb), kb(end.vm_swap_kb));
        println!(
            "swap: in all: pswpout {}, pswpin {}, pgmajfault {}",
            delta(start.pswpout, end.pswpout),
            delta(start.pswpin, end.pswpin),
            delta(start.pgmajfault, end.pgmajfault)
        );
    }
    Ok(c.finish("swap"))
}

fn main(args: Args) -> i32 {
    let (mut quiet, mut shared, mut at) = (false, false, 1);
    while let Some(flag) = args.str(at).filter(|a| a.starts_with('-')) {
        match flag {
            "-q" => quiet = true,
            "-s" => shared = true,
            _ => return usage(),
        }
        at += 1;
    }
    let mib = match args.str(at).map(str::parse::<usize>) {
        Some(Ok(n)) if n > 0 => n,
        None => match procfs::value(MEMINFO, "MemTotal") {
            Some(kb) => (3 * kb as usize).div_ceil(1024),
            None => {
                eprintln!("swap: no MemTotal in {MEMINFO}");
                return 1;
            }
        },
        Some(_) => return usage(),
    };
    run(mib, quiet, shared).unwrap_or_else(|e| {
        eprintln!("swap: {e}");
        1
    })
}

fn usage() -> i32 {
    eprintln!("usage: swap [-q] [-s] [MIB]");
    2
}
