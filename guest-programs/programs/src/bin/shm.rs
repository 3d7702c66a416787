//! `shm`: two processes sharing memory through a POSIX shared memory object
//! (shm_open + ftruncate + mmap MAP_SHARED, as glibc does it over
//! /dev/shm). Each maps the object by name; then one's plain stores are the
//! other's loads, with no system call carrying the data:
//!
//! 1. a mailbox: the child says it is ready, the parent writes a greeting,
//!    the child answers; each side waits by spinning on a word in the shared
//!    page, so no system call happens between a store and the other side's
//!    load (`--trace syscall` shows none);
//! 2. a ring buffer of 16 slots carrying 2000 numbers from the child
//!    (producer) to the parent (consumer), where a side that must wait
//!    sleeps in `futex(FUTEX_WAIT)` on a shared word and the other wakes it
//!    with `FUTEX_WAKE`.
//!
//! After shm_unlink the name is gone but the mapping still works. Exits 0
//! when the messages and all 2000 numbers arrived intact and in order.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::sync::atomic::{AtomicU32, AtomicU8, Ordering::SeqCst};
use sv39_rt::abi::fcntl::{O_CREAT, O_EXCL, O_RDWR};
use sv39_rt::abi::mman::{MAP_SHARED, PROT_READ, PROT_WRITE};
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::check::Checks;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::procfs::Maps;
use sv39_rt::shm::{shm_open, shm_unlink};
use sv39_rt::{eprintln, println, process, sys, Args, Errno};

sv39_rt::entry!(main);

const SLOTS: u32 = 16;
const ITEMS: u32 = 2000;
const TEXT: usize = 64;

/// The mailbox's phases, in `Shared::phase`.
const CHILD_READY: u32 = 1;
const GREETED: u32 = 2;
const ANSWERED: u32 = 3;

/// The shared object's layout (zero when created, which is a valid value).
#[repr(C)]
struct Shared {
    phase: AtomicU32,
    greeting: [AtomicU8; TEXT],
    answer: [AtomicU8; TEXT],
    ring: Ring,
}

/// A single-producer, single-consumer ring: `head` counts items put,
/// `tail` items taken; each side sleeps on the other's counter.
#[repr(C)]
struct Ring {
    head: AtomicU32,
    tail: AtomicU32,
    /// How often the producer and the consumer slept.
    producer_waits: AtomicU32,
    consumer_waits: AtomicU32,
    slots: [AtomicU32; SLOTS as usize],
}

impl Ring {
    fn put(&self, v: u32) -> Result<(), Errno> {
        loop {
            let (h, t) = (self.head.load(SeqCst), self.tail.load(SeqCst));
            if h - t < SLOTS {
                self.slots[(h % SLOTS) as usize].store(v, SeqCst);
                self.head.store(h + 1, SeqCst);
                return sys::futex_wake(&self.head, 1, 0).map(|_| ());
            }
            self.producer_waits.fetch_add(1, SeqCst);
            wait_while(&self.tail, t)?;
        }
    }

    fn take(&self) -> Result<u32, Errno> {
        loop {
            let (h, t) = (self.head.load(SeqCst), self.tail.load(SeqCst));
            if h != t {
                let v = self.slots[(t % SLOTS) as usize].load(SeqCst);
                self.tail.store(t + 1, SeqCst);
                sys::futex_wake(&self.tail, 1, 0)?;
                return Ok(v);
            }
            self.consumer_waits.fetch_add(1, SeqCst);
            wait_while(&self.head, h)?;
        }
    }
}

/// Sleeps until `word` may no longer hold `v` (shared futex: the word is in
/// memory of two processes). A change before the sleep is `EAGAIN`.
fn wait_while(word: &AtomicU32, v: u32) -> Result<(), Errno> {
    match sys::futex_wait(word, v, 0) {
        Ok(_) | Err(Errno::EAGAIN) | Err(Errno::EINTR) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Spins (no system call) until `phase` is `want`; returns the spins.
fn spin_until(phase: &AtomicU32, want: u32) -> u64 {
    let mut spins = 0;
    while phase.load(SeqCst) != want {
        core::hint::spin_loop();
        spins += 1;
    }
    spins
}

fn put_text(dst: &[AtomicU8; TEXT], s: &str) {
    for (i, d) in dst.iter().enumerate() {
        d.store(s.as_bytes().get(i).copied().unwrap_or(0), SeqCst);
    }
}

fn get_text(src: &[AtomicU8; TEXT]) -> String {
    let bytes: alloc::vec::Vec<u8> = src.iter().map(|b| b.load(SeqCst)).take_while(|&b| b != 0).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Opens object `name` and maps it whole, shared.
fn map_object(name: &str, flags: u32) -> Result<Mmap, Errno> {
    let fd = sv39_rt::fs::Fd::from_raw(shm_open(name.as_bytes(), O_RDWR | flags, 0o600)?);
    if flags & O_CREAT != 0 {
        sys::ftruncate(fd.raw(), PAGE as i64)?;
    }
    Mmap::new(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd.raw(), 0)
}

fn shared(map: &Mmap) -> &Shared {
    const { assert!(core::mem::size_of::<Shared>() <= PAGE) };
    // SAFETY: the mapping is a page, page-aligned, and lives as long as the
    // borrow; every field is atomic, so the other process's stores are fine.
    unsafe { &*(map.addr() as *const Shared) }
}

/// The child: maps the object by name, answers the greeting, produces.
fn child(name: &str) -> i32 {
    let Ok(map) = map_object(name, 0) else { return 2 };
    let s = shared(&map);
    s.phase.store(CHILD_READY, SeqCst);
    spin_until(&s.phase, GREETED);
    let greeting = get_text(&s.greeting);
    put_text(&s.answer, &format!("pid {} read: {greeting}", sys::getpid()));
    s.phase.store(ANSWERED, SeqCst);
    match (1..=ITEMS).try_for_each(|v| s.ring.put(v)) {
        Ok(()) => 0,
        Err(_) => 3,
    }
}

/// The parent's side of the mailbox; returns the child's answer.
fn mailbox(s: &Shared) -> String {
    let spins = spin_until(&s.phase, CHILD_READY);
    put_text(&s.greeting, &format!("hello from pid {}", sys::getpid()));
    s.phase.store(GREETED, SeqCst);
    let more = spin_until(&s.phase, ANSWERED);
    println!("mailbox: the parent spun {spins} + {more} times waiting, with no system call");
    get_text(&s.answer)
}

/// Takes every item; returns how many came in order, and their sum.
fn consume(ring: &Ring) -> Result<(u32, u64), Errno> {
    let (mut in_order, mut sum) = (0, 0u64);
    for want in 1..=ITEMS {
        let v = ring.take()?;
        in_order += (v == want) as u32;
        sum += v as u64;
    }
    Ok((in_order, sum))
}

fn run(c: &mut Checks, name: &str) -> Result<(), Errno> {
    let map = map_object(name, O_CREAT | O_EXCL)?;
    let maps = Maps::read(None)?;
    println!("shm: object {name}, one page, mapped at {:#x}:", map.addr());
    println!("{}", maps.line(map.addr()).unwrap_or("(not in /proc/self/maps)"));
    let listed = maps.find(map.addr()).is_some_and(|m| m.perms == "rw-s" && m.path.ends_with(&name[1..]));
    c.check(listed, format_args!("/proc/self/maps lists it as a shared mapping of /dev/shm{name}"));
    let pid = process::fork_child(|| child(name))?;
    let s = shared(&map);
    let answer = mailbox(s);
    println!("mailbox: the child wrote back \"{answer}\"");
    let want = format!("pid {pid} read: hello from pid {}", sys::getpid());
    c.check(answer == want, format_args!("the child read the parent's greeting and answered in the same page"));
    let (in_order, sum) = consume(&s.ring)?;
    let (pw, cw) = (s.ring.producer_waits.load(SeqCst), s.ring.consumer_waits.load(SeqCst));
    println!("ring: {ITEMS} numbers through {SLOTS} slots; futex sleeps: producer {pw}, consumer {cw}");
    let expected = ITEMS as u64 * (ITEMS as u64 + 1) / 2;
    c.check(
        in_order == ITEMS && sum == expected,
        format_args!("all {ITEMS} arrived in order ({in_order} in place, sum {sum})"),
    );
    let (_, status) = process::wait(pid)?;
    c.check(WIFEXITED(status) && WEXITSTATUS(status) == 0, format_args!("the child exited with status {status:#x}"));
    shm_unlink(name.as_bytes())?;
    let gone = shm_open(name.as_bytes(), O_RDWR, 0);
    c.check(gone == Err(Errno::ENOENT), format_args!("after shm_unlink the name is gone: {gone:?}"));
    s.phase.store(7, SeqCst);
    c.check(s.phase.load(SeqCst) == 7, format_args!("and the mapping still works"));
    Ok(())
}

fn main(_args: Args) -> i32 {
    let name = format!("/sv39-shm-{}", sys::getpid());
    let mut c = Checks::new();
    if let Err(e) = run(&mut c, &name) {
        let _ = shm_unlink(name.as_bytes());
        eprintln!("shm: {e}");
        return 1;
    }
    c.finish("shm")
}
