//! `cow`: copy-on-write fork. A parent fills 64 MiB of heap (16384 pages),
//! then forks. fork copies page tables, not pages: the child reads all 64
//! MiB without a fault, and its write to one page copies that page alone
//! (one fault; `CowCopies: +1` in /proc/self/status where the kernel keeps
//! that count, as sv39's does). The parent's data stays as it was; after the
//! child is gone the parent's own write copies nothing (it holds the last
//! reference, so the page is just made writable again). Prints what fork
//! cost: time on the guest clock, and frames (sv39's `FramesFree`).
//! Exits 0 when every check, in parent and child, held.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use sv39_rt::abi::procfs::{COW_COPIES, FRAMES_FREE, MEMINFO, SELF_STATUS};
use sv39_rt::abi::time::CLOCK_MONOTONIC;
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::check::Checks;
use sv39_rt::heap::PAGE;
use sv39_rt::{eprintln, println, process, procfs, sys, Args, Errno};

sv39_rt::entry!(main);

const SIZE: usize = 64 << 20;
const PAGES: usize = SIZE / PAGE;
/// The page the child writes, the one the parent writes at the end, and
/// the one each writes first (see [`child`]).
const CHILD_PAGE: usize = 1000;
const PARENT_PAGE: usize = 2000;
const WARM_PAGE: usize = 3000;
/// Faults allowed beyond the one of the parent's write after the child is
/// gone: under qemu-riscv64 the host process's own first writes after fork
/// (QEMU's, on the same thread) fault too, 1 to 3 of them. The child's
/// write, counted the same way, is exact everywhere.
const QEMU_SLACK: u64 = 3;

/// The 64 MiB heap, one word per page read and written through it.
struct Heap(alloc::vec::Vec<u8>);

impl Heap {
    /// What page `i` holds after [`Heap::fill`].
    fn pattern(i: usize) -> u64 {
        i as u64 ^ 0x5eed_0000_0000
    }

    fn word(&self, page: usize) -> *mut u64 {
        self.0[page * PAGE..].as_ptr() as *mut u64
    }

    fn get(&self, page: usize) -> u64 {
        // SAFETY: page < PAGES, so the word is inside the vector; volatile so
        // every access really touches its page.
        unsafe { core::ptr::read_volatile(self.word(page)) }
    }

    fn set(&self, page: usize, v: u64) {
        // SAFETY: as `get`; no reference into the vector is alive.
        unsafe { core::ptr::write_volatile(self.word(page), v) }
    }

    fn fill(&self) {
        (0..PAGES).for_each(|i| self.set(i, Heap::pattern(i)));
    }

    /// The pages that no longer hold their pattern.
    fn changed(&self) -> usize {
        (0..PAGES).filter(|&i| self.get(i) != Heap::pattern(i)).count()
    }
}

/// Microseconds on the monotonic clock.
fn now_us() -> u64 {
    sys::clock_gettime(CLOCK_MONOTONIC).map_or(0, |t| t.tv_sec as u64 * 1_000_000 + t.tv_nsec as u64 / 1000)
}

fn cow_copies() -> Option<u64> {
    procfs::value(SELF_STATUS, COW_COPIES)
}

fn frames_free() -> Option<u64> {
    procfs::value(MEMINFO, FRAMES_FREE)
}

fn show(v: Option<u64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v}"))
}

/// Writes `v` to `page`; returns the faults it took and the change in
/// `CowCopies` (`None` without that line).
fn write_cost(heap: &Heap, page: usize, v: u64) -> Result<(u64, Option<u64>), Errno> {
    // Only the write between the two fault readings: reading /proc faults too.
    let copies0 = cow_copies();
    let faults0 = process::minor_faults()?;
    heap.set(page, v);
    let faults1 = process::minor_faults()?;
    Ok((faults1 - faults0, copies0.zip(cow_copies()).map(|(a, b)| b - a)))
}

/// Checks a write took one fault (up to `1 + slack`) and `copies` copies
/// (where counted).
fn check_write(c: &mut Checks, who: &str, page: usize, cost: (u64, Option<u64>), copies: u64, slack: u64) {
    let (faults, copied) = cost;
    let most = if slack > 0 { format!("; up to {} under qemu-riscv64", 1 + slack) } else { String::new() };
    c.check(
        (1..=1 + slack).contains(&faults),
        format_args!("{who}: writing page {page} took {faults} fault(s) (want 1{most})"),
    );
    match copied {
        Some(n) => {
            c.check(n == copies, format_args!("{who}: it copied {n} page(s): {COW_COPIES} +{n} (want +{copies})"))
        }
        None => c.check(
            true,
            format_args!("{who}: no {COW_COPIES} in {SELF_STATUS} (Linux has none): one fault is one copy"),
        ),
    };
}

/// The child: reads everything, writes one page, reports; exits 0 when its
/// checks held. A first write (to page [`WARM_PAGE`]) copies the pages of
/// the child's own stack that the counting code writes, so the counted write
/// is the heap page's alone.
fn child(heap: &Heap, frames_before_fork: Option<u64>, fork_called_us: u64) -> Result<i32, Errno> {
    let started = now_us() - fork_called_us;
    let mut c = Checks::new();
    let frames_at_start = frames_free();
    println!("child:  running {started} us after the parent called fork");
    write_cost(heap, WARM_PAGE, Heap::pattern(WARM_PAGE))?;
    let faults0 = process::minor_faults()?;
    let changed = heap.changed();
    let read_faults = process::minor_faults()? - faults0;
    c.check(changed == 0, format_args!("child: all {PAGES} pages hold the parent's data ({changed} differ)"));
    let most = PAGES as u64 / 1024;
    let what = format_args!(
        "child: reading all {PAGES} took {read_faults} faults (at most {most}: fork copied the page tables)"
    );
    c.check(read_faults <= most, what);
    check_write(&mut c, "child", CHILD_PAGE, write_cost(heap, CHILD_PAGE, 0xc0ffee)?, 1, 0);
    c.check(heap.get(CHILD_PAGE) == 0xc0ffee, format_args!("child: page {CHILD_PAGE} now holds the child's value"));
    if let (Some(before), Some(start), Some(end)) = (frames_before_fork, frames_at_start, frames_free()) {
        let (fork, writes) = (before - start, start - end);
        println!("child:  fork took {fork} frames (page tables, kernel stack); the child's writes since, {writes}");
        c.check(
            fork < (PAGES / 16) as u64,
            format_args!("child: fork used {fork} frames, far fewer than the {PAGES} of a copy"),
        );
    }
    Ok(c.finish("cow (child)"))
}

/// The parent after the child: data unchanged; its own write copies nothing.
fn parent_after(c: &mut Checks, heap: &Heap) -> Result<(), Errno> {
    let changed = heap.changed();
    c.check(changed == 0, format_args!("parent: all {PAGES} pages unchanged by the child ({changed} differ)"));
    write_cost(heap, WARM_PAGE, Heap::pattern(WARM_PAGE))?;
    check_write(c, "parent, sole owner again", PARENT_PAGE, write_cost(heap, PARENT_PAGE, 0xbeef)?, 0, QEMU_SLACK);
    Ok(())
}

fn run() -> Result<i32, Errno> {
    let heap = Heap(alloc::vec![0u8; SIZE]);
    let t0 = now_us();
    heap.fill();
    let t1 = now_us();
    let frames = frames_free();
    println!(
        "cow: parent {} filled {PAGES} pages (64 MiB) in {} us; frames free: {}",
        sys::getpid(),
        t1 - t0,
        show(frames)
    );
    let t2 = now_us();
    let pid = process::fork_child(|| child(&heap, frames, t2).unwrap_or_else(fail))?;
    let t3 = now_us();
    let (_, status) = process::wait(pid)?;
    let t4 = now_us();
    println!("cow: fork returned in the parent after {} us, the child was reaped after {} us", t3 - t2, t4 - t2);
    let mut c = Checks::new();
    c.check(
        WIFEXITED(status) && WEXITSTATUS(status) == 0,
        format_args!("parent: child {pid} exited with status {status:#x}, its checks held"),
    );
    parent_after(&mut c, &heap)?;
    Ok(c.finish("cow"))
}

fn fail(e: Errno) -> i32 {
    eprintln!("cow: {e}");
    1
}

fn main(_args: Args) -> i32 {
    run().unwrap_or_else(fail)
}
