//! `vmcheck [SECTION...]`: checks virtual memory and signals against
//! Linux's semantics, one `ok:`/`FAILED:` line per check, with no address in
//! the output, so its output on sv39 and under qemu-riscv64 (Linux) can be
//! compared line for line. Sections: `errors` (argument checks and errnos of
//! the mmap family), `split` (munmap and mprotect of part of a mapping),
//! `fork` (shared and private memory across fork), `file` (SIGBUS past the
//! end of a mapped file, MADV_DONTNEED), `uaccess` (system calls on memory
//! they may not touch, or not touched yet), `remap` (mremap), `futex`,
//! `signals`, `altstack`, `stack` (growth on demand, overflow), `maxmap`
//! (the limit on mappings). Default: all of them. Exits 0 when every check
//! held.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::arch::asm;
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering::SeqCst};
use sv39_rt::abi::fcntl::{O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY};
use sv39_rt::abi::futex::{FUTEX_PRIVATE_FLAG, FUTEX_WAIT, FUTEX_WAKE};
use sv39_rt::abi::mman::*;
use sv39_rt::abi::signal::*;
use sv39_rt::abi::syscall as nr;
use sv39_rt::abi::time::Timespec;
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED, WIFSIGNALED, WTERMSIG};
use sv39_rt::check::Checks;
use sv39_rt::fs::Fd;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::procfs::Maps;
use sv39_rt::{eprintln, process, signal, sys, syscall, Args, Errno};

sv39_rt::entry!(main);

const RW: u32 = PROT_READ | PROT_WRITE;
const ANON: u32 = MAP_PRIVATE | MAP_ANONYMOUS;

// ---- the recording handler and fault probes --------------------------------

/// What the handler does after a SIGSEGV or SIGBUS: skip the faulting
/// instruction (4 bytes: the probes below), or end the process with 42.
const SKIP: u32 = 0;
const EXIT_42: u32 = 1;

static ON_FAULT: AtomicU32 = AtomicU32::new(SKIP);
/// When not 0, the value the handler puts in a0 of the interrupted context.
static SET_A0: AtomicUsize = AtomicUsize::new(0);
static SEEN: AtomicU32 = AtomicU32::new(0);
static SIG: AtomicI32 = AtomicI32::new(0);
static CODE: AtomicI32 = AtomicI32::new(0);
static ADDR: AtomicUsize = AtomicUsize::new(0);
static STATUS: AtomicI32 = AtomicI32::new(0);
/// An address on the stack the handler ran on.
static HANDLER_SP: AtomicUsize = AtomicUsize::new(0);

extern "C" fn record(sig: i32, info: &SigInfo, ctx: &mut UContext) {
    let here = 0u8;
    HANDLER_SP.store(core::hint::black_box(&here) as *const u8 as usize, SeqCst);
    SIG.store(sig, SeqCst);
    CODE.store(info.si_code, SeqCst);
    ADDR.store(info.si_addr(), SeqCst);
    STATUS.store(info.si_status(), SeqCst);
    SEEN.fetch_add(1, SeqCst);
    let fault = matches!(sig as u32, SIGSEGV | SIGBUS);
    match ON_FAULT.load(SeqCst) {
        SKIP if fault => ctx.set_reg(REG_PC, ctx.reg(REG_PC) + 4),
        EXIT_42 if fault => sys::exit_group(42),
        _ => {}
    }
    let a0 = SET_A0.load(SeqCst);
    if a0 != 0 {
        ctx.set_reg(REG_A0, a0 as u64);
    }
}

/// Installs `record` for `sig` with `flags`; returns the action it replaced.
fn catch(sig: u32, flags: u64) -> SigAction {
    // SAFETY: record only touches atomics, its context and makes system calls.
    unsafe { signal::on_signal(sig, record, flags) }.unwrap_or_default()
}

fn set_action(sig: u32, handler: usize) -> Result<SigAction, Errno> {
    // SAFETY: SIG_DFL or SIG_IGN: no code of ours runs.
    unsafe { sys::rt_sigaction(sig, &SigAction { sa_handler: handler, ..SigAction::default() }) }
}

/// A load from `addr`, 4 bytes long (not compressed) so it can be skipped.
fn probe_read(addr: usize) {
    // SAFETY: a fault is caught by `record`, which skips the load.
    unsafe {
        asm!(".option push", ".option norvc", "ld {t}, 0({a})", ".option pop", a = in(reg) addr, t = lateout(reg) _)
    }
}

/// A store of 0 to `addr`, 4 bytes long.
fn probe_write(addr: usize) {
    // SAFETY: as `probe_read`; the address is the test's own memory.
    unsafe { asm!(".option push", ".option norvc", "sd zero, 0({a})", ".option pop", a = in(reg) addr) }
}

/// The signal `probe` raised at `addr`: (signal, si_code, whether si_addr
/// is `addr`), or `None` when it did not fault.
fn fault_of(probe: fn(usize), addr: usize) -> Option<(u32, i32, bool)> {
    let before = SEEN.load(SeqCst);
    probe(addr);
    (SEEN.load(SeqCst) != before).then(|| (SIG.load(SeqCst) as u32, CODE.load(SeqCst), ADDR.load(SeqCst) == addr))
}

// ---- helpers ----------------------------------------------------------------

fn mmap_at(addr: usize, len: usize, prot: u32, flags: u32, fd: i32, off: i64) -> Result<usize, Errno> {
    // SAFETY: the tests place fixed mappings only over their own ranges.
    unsafe { sys::mmap(addr, len, prot, flags, fd, off) }
}

fn munmap(addr: usize, len: usize) -> Result<usize, Errno> {
    // SAFETY: the tests unmap only their own ranges.
    unsafe { sys::munmap(addr, len) }
}

fn mprotect(addr: usize, len: usize, prot: u32) -> Result<usize, Errno> {
    // SAFETY: as munmap; access taken away is probed through `record`.
    unsafe { sys::mprotect(addr, len, prot) }
}

fn madvise(addr: usize, len: usize, advice: u32) -> Result<usize, Errno> {
    // SAFETY: the tests drop only pages whose values they no longer need.
    unsafe { sys::madvise(addr, len, advice) }
}

fn mremap(addr: usize, old: usize, new: usize, flags: u32, to: usize) -> Result<usize, Errno> {
    // SAFETY: the tests move only their own mappings and use the result.
    unsafe { syscall!(nr::MREMAP, addr, old, new, flags, to) }
}

/// A free page-aligned address (mapped, then unmapped).
fn free_address(len: usize) -> usize {
    let m = Mmap::anon(len, RW).map(|m| m.addr()).unwrap_or(0);
    let _ = munmap(m, len);
    m
}

/// How many lines of /proc/self/maps cover part of `[addr, addr + len)`.
fn maps_over(addr: usize, len: usize) -> usize {
    let (start, end) = (addr as u64, (addr + len) as u64);
    Maps::read(None).map_or(0, |m| m.iter().filter(|v| v.start < end && v.end > start).count())
}

/// A file of `pages` pages, page `i` filled with byte `i + 1`, open O_RDWR.
fn test_file(name: &str, pages: usize) -> Result<(Fd, String), Errno> {
    let path = format!("/tmp/vmcheck-{}-{name}", sys::getpid());
    let fd = Fd::open(path.as_bytes(), O_RDWR | O_CREAT | O_TRUNC, 0o600)?;
    for i in 0..pages {
        sys::write(fd.raw(), &[i as u8 + 1; PAGE])?;
    }
    Ok((fd, path))
}

fn remove(path: &str) {
    if let Ok(p) = sv39_rt::fs::cstring(path.as_bytes()) {
        let _ = sys::unlinkat(sv39_rt::abi::fcntl::AT_FDCWD, &p, 0);
    }
}

/// The byte at `offset` of the file behind `fd`.
fn file_byte(fd: &Fd, offset: i64) -> Option<u8> {
    sys::lseek(fd.raw(), offset, sv39_rt::abi::fcntl::SEEK_SET).ok()?;
    let mut b = [0u8; 1];
    (sys::read(fd.raw(), &mut b) == Ok(1)).then_some(b[0])
}

/// Runs `child` in a child process; returns its wait status.
fn in_child(child: impl FnOnce() -> i32) -> i32 {
    process::fork_child(child).and_then(process::wait).map_or(-1, |(_, s)| s)
}

fn killed_by(status: i32, sig: u32) -> bool {
    WIFSIGNALED(status) && WTERMSIG(status) == sig
}

fn exited(status: i32, code: i32) -> bool {
    WIFEXITED(status) && WEXITSTATUS(status) == code
}

// ---- errors -------------------------------------------------------------------

fn errors(c: &mut Checks) -> Result<(), Errno> {
    let inval = Err(Errno::EINVAL);
    c.check(mmap_at(0, 0, RW, ANON, -1, 0) == inval, format_args!("mmap of 0 bytes: EINVAL"));
    c.check(
        mmap_at(0, PAGE, RW, MAP_ANONYMOUS, -1, 0) == inval,
        format_args!("mmap neither shared nor private: EINVAL"),
    );
    c.check(
        mmap_at(0x10_0001, PAGE, RW, ANON | MAP_FIXED, -1, 0) == inval,
        format_args!("MAP_FIXED at a misaligned address: EINVAL"),
    );
    c.check(
        mmap_at(0, PAGE, RW, MAP_PRIVATE, 1000, 0) == Err(Errno::EBADF),
        format_args!("mmap of a closed descriptor: EBADF"),
    );
    file_errors(c)?;
    range_errors(c)
}

fn file_errors(c: &mut Checks) -> Result<(), Errno> {
    let (f, path) = test_file("errors", 2)?;
    c.check(
        mmap_at(0, PAGE, RW, MAP_PRIVATE, f.raw(), 100) == Err(Errno::EINVAL),
        format_args!("a misaligned file offset: EINVAL"),
    );
    let ro = Fd::open(path.as_bytes(), O_RDONLY, 0)?;
    let shared = mmap_at(0, PAGE, RW, MAP_SHARED, ro.raw(), 0);
    c.check(shared == Err(Errno::EACCES), format_args!("MAP_SHARED, writable, of a read-only descriptor: EACCES"));
    let private = mmap_at(0, PAGE, RW, MAP_PRIVATE, ro.raw(), 0);
    c.check(private.is_ok(), format_args!("MAP_PRIVATE, writable, of a read-only descriptor: allowed"));
    if let Ok(a) = private {
        let upgrade = mmap_at(0, PAGE, PROT_READ, MAP_SHARED, ro.raw(), 0);
        let denied = upgrade.map(|s| mprotect(s, PAGE, RW));
        c.check(
            denied == Ok(Err(Errno::EACCES)),
            format_args!("mprotect(PROT_WRITE) of a read-only shared file mapping: EACCES"),
        );
        munmap(a, PAGE)?;
    }
    let wo = Fd::open(path.as_bytes(), O_WRONLY, 0)?;
    let write_only = mmap_at(0, PAGE, PROT_READ, MAP_SHARED, wo.raw(), 0);
    c.check(write_only == Err(Errno::EACCES), format_args!("mmap of a write-only descriptor: EACCES"));
    let dir = Fd::open(b"/", O_RDONLY | O_DIRECTORY, 0)?;
    c.check(
        mmap_at(0, PAGE, PROT_READ, MAP_PRIVATE, dir.raw(), 0) == Err(Errno::ENODEV),
        format_args!("mmap of a directory: ENODEV"),
    );
    let [r, w] = sys::pipe2(0)?;
    c.check(
        mmap_at(0, PAGE, PROT_READ, MAP_PRIVATE, r, 0) == Err(Errno::ENODEV),
        format_args!("mmap of a pipe: ENODEV"),
    );
    drop((Fd::from_raw(r), Fd::from_raw(w)));
    remove(&path);
    Ok(())
}

fn range_errors(c: &mut Checks) -> Result<(), Errno> {
    let a = Mmap::anon(2 * PAGE, RW)?;
    let (at, gone, inval) = (a.addr(), free_address(PAGE), Err(Errno::EINVAL));
    let noreplace = mmap_at(at, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    c.check(noreplace == Err(Errno::EEXIST), format_args!("MAP_FIXED_NOREPLACE over a mapping: EEXIST"));
    c.check(munmap(at + 1, PAGE) == inval, format_args!("munmap at a misaligned address: EINVAL"));
    c.check(munmap(at, 0) == inval, format_args!("munmap of 0 bytes: EINVAL"));
    c.check(munmap(gone, PAGE) == Ok(0), format_args!("munmap of an unmapped range: 0"));
    c.check(mprotect(at + 1, PAGE, PROT_READ) == inval, format_args!("mprotect at a misaligned address: EINVAL"));
    c.check(
        mprotect(gone, PAGE, PROT_READ) == Err(Errno::ENOMEM),
        format_args!("mprotect of an unmapped range: ENOMEM"),
    );
    c.check(mprotect(at, PAGE, 0x10) == inval, format_args!("mprotect with an unknown bit: EINVAL"));
    c.check(mprotect(at, PAGE, RW | PROT_SEM) == Ok(0), format_args!("mprotect with PROT_SEM: accepted"));
    c.check(sys::msync(at, PAGE, MS_SYNC | MS_ASYNC) == inval, format_args!("msync with MS_SYNC and MS_ASYNC: EINVAL"));
    c.check(sys::msync(at + 1, PAGE, MS_SYNC) == inval, format_args!("msync at a misaligned address: EINVAL"));
    c.check(sys::msync(gone, PAGE, MS_SYNC) == Err(Errno::ENOMEM), format_args!("msync of an unmapped range: ENOMEM"));
    c.check(sys::msync(at, 2 * PAGE, MS_ASYNC) == Ok(0), format_args!("msync of a mapped range: 0"));
    c.check(madvise(at, PAGE, 12345) == inval, format_args!("madvise with an unknown advice: EINVAL"));
    c.check(madvise(at + 1, PAGE, MADV_DONTNEED) == inval, format_args!("madvise at a misaligned address: EINVAL"));
    c.check(
        madvise(gone, PAGE, MADV_DONTNEED) == Err(Errno::ENOMEM),
        format_args!("madvise of an unmapped range: ENOMEM"),
    );
    c.check(mremap(at, PAGE, 2 * PAGE, 8, 0) == inval, format_args!("mremap with an unknown flag: EINVAL"));
    c.check(
        mremap(at, PAGE, PAGE, MREMAP_FIXED, gone) == inval,
        format_args!("MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL"),
    );
    c.check(mremap(at, PAGE, 0, MREMAP_MAYMOVE, 0) == inval, format_args!("mremap to 0 bytes: EINVAL"));
    c.check(
        mremap(gone, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0) == Err(Errno::EFAULT),
        format_args!("mremap of an unmapped address: EFAULT"),
    );
    Ok(())
}

// ---- split --------------------------------------------------------------------

fn split(c: &mut Checks) -> Result<(), Errno> {
    let m = Mmap::anon(3 * PAGE, RW)?;
    (0..3).for_each(|i| m.write(i * PAGE, i as u8 + 1));
    let (at, len) = (m.addr(), 3 * PAGE);
    c.check(maps_over(at, len) == 1, format_args!("a fresh 3-page mapping is one line of maps"));
    mprotect(at + PAGE, PAGE, PROT_READ)?;
    c.check(maps_over(at, len) == 3, format_args!("mprotect of its middle page splits it in three"));
    let f = fault_of(probe_write, at + PAGE);
    c.check(
        f == Some((SIGSEGV, SEGV_ACCERR, true)),
        format_args!("a store to that page: SIGSEGV, SEGV_ACCERR, si_addr the store's ({f:?})"),
    );
    c.check(m.read(PAGE) == 2, format_args!("the read-only page keeps its data"));
    mprotect(at + PAGE, PAGE, RW)?;
    c.check(maps_over(at, len) == 1, format_args!("mprotect back: one line again"));
    munmap(at + PAGE, PAGE)?;
    c.check(maps_over(at, len) == 2, format_args!("munmap of the middle page leaves two"));
    let f = fault_of(probe_read, at + PAGE);
    c.check(
        f == Some((SIGSEGV, SEGV_MAPERR, true)),
        format_args!("a load from the hole: SIGSEGV, SEGV_MAPERR ({f:?})"),
    );
    c.check((m.read(0), m.read(2 * PAGE)) == (1, 3), format_args!("the pages around the hole keep their data"));
    Ok(())
}

// ---- fork ---------------------------------------------------------------------

fn fork_sharing(c: &mut Checks) -> Result<(), Errno> {
    let shared = Mmap::new(PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0)?;
    let private = Mmap::anon(PAGE, RW)?;
    let (file, path) = test_file("fork", 1)?;
    let mapped = Mmap::new(PAGE, RW, MAP_SHARED, file.raw(), 0)?;
    shared.write(0, 1);
    private.write(0, 1);
    let status = in_child(|| {
        shared.write(0, 2);
        private.write(0, 2);
        mapped.write(5, b'X');
        (private.read(0) != 2) as i32
    });
    c.check(exited(status, 0), format_args!("the child wrote its own copy of the private page"));
    c.check(shared.read(0) == 2, format_args!("MAP_SHARED | MAP_ANONYMOUS: the child's store shows in the parent"));
    c.check(private.read(0) == 1, format_args!("MAP_PRIVATE: the child's store does not show in the parent"));
    c.check(file_byte(&file, 5) == Some(b'X'), format_args!("a child's store to a shared file mapping is in the file"));
    remove(&path);
    Ok(())
}

// ---- file ---------------------------------------------------------------------

fn file_pages(c: &mut Checks) -> Result<(), Errno> {
    let (f, path) = test_file("file", 2)?;
    let m = Mmap::new(2 * PAGE, RW, MAP_SHARED, f.raw(), 0)?;
    c.check(m.read(PAGE) == 2, format_args!("a shared file mapping shows the file"));
    sys::ftruncate(f.raw(), 100)?;
    let bus = fault_of(probe_read, m.addr() + PAGE);
    c.check(
        bus == Some((SIGBUS, BUS_ADRERR, true)),
        format_args!("cut to 100 bytes: a load from its second page is SIGBUS, BUS_ADRERR ({bus:?})"),
    );
    c.check((m.read(99), m.read(100)) == (1, 0), format_args!("the first page keeps bytes 0-99 and reads zero after"));
    let (g, gpath) = test_file("private", 1)?;
    let p = Mmap::new(PAGE, RW, MAP_PRIVATE, g.raw(), 0)?;
    p.write(0, 0xee);
    madvise(p.addr(), PAGE, MADV_DONTNEED)?;
    c.check(p.read(0) == 1, format_args!("MADV_DONTNEED on a written private file page: the file's byte again"));
    let a = Mmap::anon(PAGE, RW)?;
    a.write(0, 7);
    madvise(a.addr(), PAGE, MADV_DONTNEED)?;
    c.check(a.read(0) == 0, format_args!("MADV_DONTNEED on anonymous memory: zero again"));
    remove(&path);
    remove(&gpath);
    Ok(())
}

// ---- uaccess ------------------------------------------------------------------

/// `read(fd, m, len)` into the mapping `m`.
fn read_into(fd: i32, m: &Mmap, len: usize) -> Result<usize, Errno> {
    // SAFETY: the range is the mapping's own; the kernel may only fill what
    // the mapping allows, and says EFAULT otherwise.
    unsafe { syscall!(nr::READ, fd, m.addr(), len) }
}

/// `write(fd, m, len)` from the mapping `m`.
fn write_from(fd: i32, m: &Mmap, len: usize) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads the mapping, or says EFAULT.
    unsafe { syscall!(nr::WRITE, fd, m.addr(), len) }
}

fn uaccess(c: &mut Checks) -> Result<(), Errno> {
    let (f, path) = test_file("uaccess", 2)?;
    let none = Mmap::anon(PAGE, PROT_NONE)?;
    let ro = Mmap::anon(PAGE, PROT_READ)?;
    let lazy = Mmap::anon(2 * PAGE, RW)?;
    let fd = f.raw();
    sys::lseek(fd, 0, 0)?;
    c.check(read_into(fd, &none, 10) == Err(Errno::EFAULT), format_args!("read() into PROT_NONE memory: EFAULT"));
    c.check(write_from(fd, &none, 10) == Err(Errno::EFAULT), format_args!("write() from PROT_NONE memory: EFAULT"));
    c.check(read_into(fd, &ro, 10) == Err(Errno::EFAULT), format_args!("read() into read-only memory: EFAULT"));
    sys::lseek(fd, 0, 0)?;
    let n = read_into(fd, &lazy, 2 * PAGE);
    c.check(
        n == Ok(2 * PAGE) && lazy.read(PAGE) == 2,
        format_args!("read() into memory never touched: {n:?}, the file's bytes"),
    );
    let faults = faults_to_touch(10)?.min(faults_to_touch(10)?);
    c.check((10..=14).contains(&faults), format_args!("writing 10 fresh pages: 10 minor faults (10 to 14)"));
    remove(&path);
    Ok(())
}

/// The minor faults taken to write one byte in each of `pages` fresh pages.
fn faults_to_touch(pages: usize) -> Result<u64, Errno> {
    let m = Mmap::anon(pages * PAGE, RW)?;
    let before = process::minor_faults()?;
    (0..pages).for_each(|i| m.write(i * PAGE, 1));
    Ok(process::minor_faults()? - before)
}

// ---- remap --------------------------------------------------------------------

fn remap(c: &mut Checks) -> Result<(), Errno> {
    let a = mmap_at(0, 2 * PAGE, RW, ANON, -1, 0)?;
    let m = |i| (a + i) as *mut u8;
    // SAFETY: inside the two pages just mapped.
    unsafe { (m(0).write_volatile(1), m(PAGE).write_volatile(2)) };
    let b = mremap(a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0)?;
    let at = |i: usize| b + i;
    // SAFETY: the mapping is 4 pages now.
    let kept = unsafe { ((at(0) as *const u8).read_volatile(), (at(PAGE) as *const u8).read_volatile()) };
    c.check(
        kept == (1, 2) && fault_of(probe_write, at(3 * PAGE)).is_none(),
        format_args!("mremap grows a mapping to 4 pages and keeps its data"),
    );
    c.check(mremap(b, 4 * PAGE, PAGE, 0, 0) == Ok(b), format_args!("shrinking it stays in place"));
    c.check(fault_of(probe_read, at(PAGE)).map(|f| f.1) == Some(SEGV_MAPERR), format_args!("and unmaps the rest"));
    mmap_at(at(PAGE), PAGE, RW, ANON | MAP_FIXED, -1, 0)?;
    c.check(
        mremap(b, PAGE, 2 * PAGE, 0, 0) == Err(Errno::ENOMEM),
        format_args!("growing into a mapping without MREMAP_MAYMOVE: ENOMEM"),
    );
    let to = free_address(2 * PAGE);
    let moved = mremap(b, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    // SAFETY: read only when the move to `to` succeeded.
    let data = moved.ok().map(|t| unsafe { (t as *const u8).read_volatile() });
    c.check(moved == Ok(to) && data == Some(1), format_args!("MREMAP_FIXED moves it where asked, data and all"));
    munmap(to, PAGE)?;
    munmap(at(PAGE), PAGE)?;
    Ok(())
}

// ---- futex --------------------------------------------------------------------

fn futex_raw(word: usize, op: u32, val: u32, timeout: Option<&Timespec>) -> Result<usize, Errno> {
    let t = timeout.map_or(0, |t| t as *const Timespec as usize);
    // SAFETY: the word is the caller's; the kernel only reads it and `t`.
    unsafe { syscall!(nr::FUTEX, word, op, val, t) }
}

fn futex(c: &mut Checks) -> Result<(), Errno> {
    let w = AtomicU32::new(5);
    c.check(
        sys::futex_wait(&w, 6, FUTEX_PRIVATE_FLAG) == Err(Errno::EAGAIN),
        format_args!("FUTEX_WAIT on a word that changed: EAGAIN"),
    );
    c.check(sys::futex_wake(&w, 1, FUTEX_PRIVATE_FLAG) == Ok(0), format_args!("FUTEX_WAKE with nobody waiting: 0"));
    let t = Timespec { tv_sec: 0, tv_nsec: 20_000_000 };
    let timed = futex_raw(w.as_ptr() as usize, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, Some(&t));
    c.check(timed == Err(Errno::ETIMEDOUT), format_args!("FUTEX_WAIT for 20 ms: ETIMEDOUT"));
    let odd = futex_raw(w.as_ptr() as usize + 1, FUTEX_WAKE, 1, None);
    c.check(odd == Err(Errno::EINVAL), format_args!("a misaligned futex word: EINVAL"));
    let page = Mmap::new(PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0)?;
    // SAFETY: the shared page is aligned and lives until both processes are done.
    let word = unsafe { &*(page.addr() as *const AtomicU32) };
    let pid = process::fork_child(|| {
        while word.load(SeqCst) == 0 {
            let _ = sys::futex_wait(word, 0, 0);
        }
        0
    })?;
    let _ = sys::nanosleep(&Timespec { tv_sec: 0, tv_nsec: 100_000_000 });
    word.store(1, SeqCst);
    let woke = sys::futex_wake(word, 1, 0);
    let status = process::wait(pid).map_or(-1, |(_, s)| s);
    c.check(
        woke == Ok(1) && exited(status, 0),
        format_args!("FUTEX_WAKE on shared memory wakes the other process asleep there"),
    );
    Ok(())
}

// ---- signals ------------------------------------------------------------------

fn sigset(sig: u32) -> SigSet {
    let mut s = SigSet::EMPTY;
    s.add(sig);
    s
}

fn pending() -> SigSet {
    let mut set = SigSet::EMPTY;
    // SAFETY: the kernel writes one sigset.
    let _ = unsafe { syscall!(nr::RT_SIGPENDING, &raw mut set, SIGSET_SIZE) };
    set
}

fn signals(c: &mut Checks) -> Result<(), Errno> {
    let act = SigAction { sa_handler: record as *const () as usize, ..SigAction::default() };
    // SAFETY: refused by the kernel, never installed.
    c.check(
        unsafe { sys::rt_sigaction(SIGKILL, &act) }.err() == Some(Errno::EINVAL),
        format_args!("a handler for SIGKILL: EINVAL"),
    );
    // SAFETY: as above.
    c.check(
        unsafe { sys::rt_sigaction(65, &act) }.err() == Some(Errno::EINVAL),
        format_args!("a handler for signal 65: EINVAL"),
    );
    catch(SIGUSR1, 0);
    c.check(
        catch(SIGUSR1, 0).sa_handler == record as *const () as usize,
        format_args!("rt_sigaction returns the action it replaces"),
    );
    sys::rt_sigprocmask(SIG_BLOCK, sigset(SIGUSR1))?;
    let before = SEEN.load(SeqCst);
    sys::kill(sys::getpid(), SIGUSR1)?;
    c.check(
        SEEN.load(SeqCst) == before && pending().contains(SIGUSR1),
        format_args!("a blocked signal waits, pending"),
    );
    let old = sys::rt_sigprocmask(SIG_UNBLOCK, sigset(SIGUSR1))?;
    c.check(old.contains(SIGUSR1) && SEEN.load(SeqCst) == before + 1, format_args!("unblocking it delivers it"));
    SET_A0.store(1234, SeqCst);
    let ret = sys::kill(sys::getpid(), SIGUSR1);
    SET_A0.store(0, SeqCst);
    c.check(ret == Ok(1234), format_args!("a0 set by the handler in its ucontext is what kill() returns ({ret:?})"));
    child_signals(c)
}

fn child_signals(c: &mut Checks) -> Result<(), Errno> {
    catch(SIGCHLD, 0);
    let status = in_child(|| 3);
    let (sig, code, st) = (SIG.load(SeqCst) as u32, CODE.load(SeqCst), STATUS.load(SeqCst));
    c.check(
        exited(status, 3) && (sig, code, st) == (SIGCHLD, CLD_EXITED, 3),
        format_args!("SIGCHLD comes with CLD_EXITED and the exit status"),
    );
    set_action(SIGCHLD, SIG_DFL)?;
    let term = in_child(|| sys::kill(sys::getpid(), SIGTERM).map_or(1, |_| 2));
    c.check(killed_by(term, SIGTERM), format_args!("SIGTERM's default action kills"));
    let pipe = in_child(|| {
        let Ok([r, w]) = sys::pipe2(0) else { return 1 };
        let _ = sys::close(r);
        sys::write(w, b"x").map_or(3, |_| 2)
    });
    c.check(killed_by(pipe, SIGPIPE), format_args!("a write to a pipe nobody reads kills with SIGPIPE"));
    let ignored = in_child(|| {
        let _ = set_action(SIGPIPE, SIG_IGN);
        let Ok([r, w]) = sys::pipe2(0) else { return 1 };
        let _ = sys::close(r);
        (sys::write(w, b"x") == Err(Errno::EPIPE)) as i32 * 10
    });
    c.check(exited(ignored, 10), format_args!("with SIGPIPE ignored, the write fails with EPIPE"));
    let reset = in_child(|| {
        catch(SIGUSR2, SA_RESETHAND);
        let _ = sys::kill(sys::getpid(), SIGUSR2);
        let _ = sys::kill(sys::getpid(), SIGUSR2);
        1
    });
    c.check(killed_by(reset, SIGUSR2), format_args!("SA_RESETHAND: the second SIGUSR2 meets the default action"));
    let kill = in_child(|| {
        let _ = sys::rt_sigprocmask(SIG_SETMASK, SigSet(!0));
        let _ = sys::kill(sys::getpid(), SIGKILL);
        1
    });
    c.check(killed_by(kill, SIGKILL), format_args!("SIGKILL cannot be blocked"));
    Ok(())
}

// ---- altstack -----------------------------------------------------------------

fn altstack_now() -> StackT {
    let mut old = StackT::default();
    // SAFETY: only reads the current alternate stack into `old`.
    let _ = unsafe { syscall!(nr::SIGALTSTACK, 0, &raw mut old) };
    old
}

fn altstack(c: &mut Checks) -> Result<(), Errno> {
    let small = StackT { ss_sp: 0x10000, ss_flags: 0, ss_size: 1000 };
    // SAFETY: refused by the kernel.
    c.check(
        unsafe { sys::sigaltstack(&small) } == Err(Errno::ENOMEM),
        format_args!("an alternate stack under MINSIGSTKSZ: ENOMEM"),
    );
    let bad = StackT { ss_flags: 0x1234, ..small };
    // SAFETY: refused by the kernel.
    c.check(unsafe { sys::sigaltstack(&bad) } == Err(Errno::EINVAL), format_args!("unknown sigaltstack flags: EINVAL"));
    let alt = signal::AltStack::new(64 * 1024)?;
    let (lo, hi) = alt.range();
    let now = altstack_now();
    c.check(
        (now.ss_sp, now.ss_size, now.ss_flags) == (lo, hi - lo, 0),
        format_args!("sigaltstack reports the stack installed"),
    );
    catch(SIGUSR1, SA_ONSTACK);
    sys::kill(sys::getpid(), SIGUSR1)?;
    let sp = HANDLER_SP.load(SeqCst);
    c.check((lo..hi).contains(&sp), format_args!("a handler with SA_ONSTACK runs on the alternate stack"));
    drop(alt);
    c.check(altstack_now().ss_flags == SS_DISABLE, format_args!("SS_DISABLE takes it away"));
    Ok(())
}

// ---- stack --------------------------------------------------------------------

/// Recursion with 1 KiB frames, `depth` deep (forever for u64::MAX).
#[inline(never)]
fn deep(depth: u64) -> u64 {
    let mut frame = [0u8; 1024];
    frame[depth as usize % 1024] = 1;
    core::hint::black_box(&mut frame);
    if depth == 0 {
        return 0;
    }
    deep(depth - 1) + frame[depth as usize % 1024] as u64
}

fn stack(c: &mut Checks) -> Result<(), Errno> {
    c.check(deep(2048) == 2048, format_args!("2 MiB of stack, grown on demand"));
    let caught = in_child(|| {
        let Ok(_alt) = signal::AltStack::new(64 * 1024) else { return 1 };
        ON_FAULT.store(EXIT_42, SeqCst);
        catch(SIGSEGV, SA_ONSTACK);
        deep(u64::MAX) as i32
    });
    c.check(exited(caught, 42), format_args!("a stack overflow is a SIGSEGV a handler on the alternate stack catches"));
    let uncaught = in_child(|| {
        let _ = set_action(SIGSEGV, SIG_DFL);
        deep(u64::MAX) as i32
    });
    c.check(killed_by(uncaught, SIGSEGV), format_args!("without a handler, the overflow kills with SIGSEGV"));
    Ok(())
}

// ---- maxmap -------------------------------------------------------------------

/// Maps single pages, read-only and read-write in turn so that none merge,
/// until mmap fails (at most `limit`); returns their addresses and the error.
fn map_until_refused(limit: usize) -> (Vec<usize>, Option<Errno>) {
    let mut maps = Vec::new();
    while maps.len() < limit {
        let prot = if maps.len() % 2 == 0 { PROT_READ } else { RW };
        match mmap_at(0, PAGE, prot, ANON, -1, 0) {
            Ok(a) => maps.push(a),
            Err(e) => return (maps, Some(e)),
        }
    }
    (maps, None)
}

fn maxmap(c: &mut Checks) -> Result<(), Errno> {
    let (maps, refused) = map_until_refused(200_000);
    c.check(refused == Some(Errno::ENOMEM), format_args!("mappings run out, with ENOMEM ({refused:?})"));
    let lost = maps.iter().filter(|&&a| munmap(a, PAGE).is_err()).count();
    c.check(lost == 0, format_args!("every one of them unmaps"));
    let again = Mmap::anon(PAGE, RW).map(|m| m.write(0, 1));
    c.check(again.is_ok(), format_args!("and mmap works again"));
    Ok(())
}

// ---- main ---------------------------------------------------------------------

type Section = fn(&mut Checks) -> Result<(), Errno>;

const SECTIONS: &[(&str, Section)] = &[
    ("errors", errors),
    ("split", split),
    ("fork", fork_sharing),
    ("file", file_pages),
    ("uaccess", uaccess),
    ("remap", remap),
    ("futex", futex),
    ("signals", signals),
    ("altstack", altstack),
    ("stack", stack),
    ("maxmap", maxmap),
];

fn main(args: Args) -> i32 {
    let wanted: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str().ok()).collect();
    if let Some(bad) = wanted.iter().find(|w| !SECTIONS.iter().any(|(n, _)| n == *w)) {
        let names: Vec<&str> = SECTIONS.iter().map(|(n, _)| *n).collect();
        eprintln!("vmcheck: no section {bad} (sections: {})", names.join(" "));
        return 2;
    }
    catch(SIGSEGV, 0);
    catch(SIGBUS, 0);
    let mut c = Checks::new();
    for (name, section) in SECTIONS.iter().filter(|(n, _)| wanted.is_empty() || wanted.contains(n)) {
        if let Err(e) = section(&mut c) {
            c.check(false, format_args!("{name}: {e}"));
        }
    }
    c.finish("vmcheck")
}
