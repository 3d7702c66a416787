//! `uvm`: demand paging done by a user program, with the kernel's tools: a
//! region mapped PROT_NONE, a SIGSEGV handler, and mprotect. The first
//! touch of each page faults; the handler (told the address in si_addr,
//! and SEGV_ACCERR: mapped, but no access) makes that page readable and
//! writable, fills it as if reading it from a backing store, and returns,
//! so the interrupted load runs again and succeeds. A second pass takes no
//! fault; pages "evicted" with madvise(MADV_DONTNEED) + mprotect(PROT_NONE)
//! fault and are filled again. Exits 0 when every page read back its
//! contents and the faults served were exactly one per page brought in.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering::SeqCst};
use sv39_rt::abi::mman::{MADV_DONTNEED, PROT_NONE, PROT_READ, PROT_WRITE};
use sv39_rt::abi::signal::{SigAction, SigInfo, UContext, SEGV_ACCERR, SIGSEGV};
use sv39_rt::check::Checks;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::signal::{on_signal, restore};
use sv39_rt::{eprintln, println, sys, Args, Errno};

sv39_rt::entry!(main);

const PAGES: usize = 64;
/// Words read in each page on each pass.
const WORDS: [usize; 3] = [0, 100, PAGE / 8 - 1];

/// The region the handler serves, and what it has done.
static BASE: AtomicUsize = AtomicUsize::new(0);
static SERVED: AtomicU32 = AtomicU32::new(0);
static NOT_ACCERR: AtomicU32 = AtomicU32::new(0);

/// What word `w` of page `p` holds, "from the backing store".
fn stored(p: usize, w: usize) -> u64 {
    ((p as u64) << 32) | w as u64
}

/// Brings in the page holding `addr`: access, then contents.
fn page_in(addr: usize) -> Result<(), Errno> {
    let page = addr & !(PAGE - 1);
    // SAFETY: the page is in the region, which only this program uses.
    unsafe { sys::mprotect(page, PAGE, PROT_READ | PROT_WRITE) }?;
    let index = (page - BASE.load(SeqCst)) / PAGE;
    for w in 0..PAGE / 8 {
        // SAFETY: the page is now writable, and nothing holds a reference to it.
        unsafe { core::ptr::write_volatile((page + 8 * w) as *mut u64, stored(index, w)) };
    }
    Ok(())
}

extern "C" fn on_fault(_sig: i32, info: &SigInfo, _ctx: &mut UContext) {
    let (addr, base) = (info.si_addr(), BASE.load(SeqCst));
    let ours = (base..base + PAGES * PAGE).contains(&addr);
    if info.si_code != SEGV_ACCERR {
        NOT_ACCERR.fetch_add(1, SeqCst);
    }
    if ours && page_in(addr).is_ok() {
        SERVED.fetch_add(1, SeqCst);
        return;
    }
    // Not ours: fall back to the default action, so the retried access kills.
    let _ = restore(SIGSEGV, &SigAction::default());
}

/// Reads the words of every page; returns how many held the wrong value.
fn read_all(map: &Mmap) -> usize {
    let word = |p: usize, w: usize| {
        // SAFETY: inside the mapping; a fault is served by the handler.
        unsafe { core::ptr::read_volatile((map.addr() + p * PAGE + 8 * w) as *const u64) }
    };
    (0..PAGES).flat_map(|p| WORDS.map(|w| (p, w))).filter(|&(p, w)| word(p, w) != stored(p, w)).count()
}

/// One pass: reads everything; checks the faults served and the contents.
fn pass(c: &mut Checks, map: &Mmap, what: &str, want: u32) {
    let before = SERVED.load(SeqCst);
    let wrong = read_all(map);
    let served = SERVED.load(SeqCst) - before;
    c.check(
        served == want && wrong == 0,
        format_args!("{what}: {served} faults served (want {want}), {wrong} wrong words"),
    );
}

/// Evicts every other page: its frame goes, and access with it.
fn evict_even(map: &Mmap) -> Result<(), Errno> {
    for p in (0..PAGES).step_by(2) {
        let page = map.addr() + p * PAGE;
        // SAFETY: the page is the program's own, and nothing refers to it.
        unsafe {
            sys::madvise(page, PAGE, MADV_DONTNEED)?;
            sys::mprotect(page, PAGE, PROT_NONE)?;
        }
    }
    Ok(())
}

fn run(c: &mut Checks) -> Result<(), Errno> {
    let map = Mmap::anon(PAGES * PAGE, PROT_NONE)?;
    BASE.store(map.addr(), SeqCst);
    // SAFETY: the handler only touches its region, atomics and system calls.
    let old = unsafe { on_signal(SIGSEGV, on_fault, 0) }?;
    println!("uvm: {PAGES} pages at {:#x}, mapped PROT_NONE; the SIGSEGV handler pages them in", map.addr());
    pass(c, &map, "first pass, every page new", PAGES as u32);
    pass(c, &map, "second pass, every page in", 0);
    evict_even(&map)?;
    pass(c, &map, "after evicting every other page", PAGES as u32 / 2);
    let other = NOT_ACCERR.load(SeqCst);
    c.check(other == 0, format_args!("every fault came as SEGV_ACCERR ({other} did not)"));
    restore(SIGSEGV, &old)
}

fn main(_args: Args) -> i32 {
    let mut c = Checks::new();
    match run(&mut c) {
        Ok(()) => c.finish("uvm"),
        Err(e) => {
            eprintln!("uvm: {e}");
            1
        }
    }
}
