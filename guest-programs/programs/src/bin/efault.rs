//! `efault`: passes bad pointers to many system calls and checks that each
//! fails with EFAULT (and that the kernel survives). Bad pointers: null, a
//! low unmapped page, the kernel's half of Sv39, a non-canonical address, a
//! range that wraps around, read-only text (for calls that write), and a
//! buffer running off the end of a mapping. A call the kernel lacks
//! (ENOSYS), or one named with `--skip CALL`, is counted as skipped. Exits 0
//! when every check passes.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use sv39_rt::abi::fcntl::{AT_FDCWD, O_DIRECTORY, O_RDONLY, SEEK_SET};
use sv39_rt::abi::mman::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};
use sv39_rt::abi::resource::RUSAGE_SELF;
use sv39_rt::abi::time::CLOCK_MONOTONIC;
use sv39_rt::abi::{ioctl::TIOCGWINSZ, syscall as nr, uio::IoVec};
use sv39_rt::heap::PAGE;
use sv39_rt::{eprintln, println, process, sys, syscall, Args, Errno};

sv39_rt::entry!(main);

/// Addresses no process may read or write.
const NULL: usize = 0;
const LOW: usize = 0x1000;
const KERNEL: usize = 0xffff_ffc0_8000_0000;
const NONCANONICAL: usize = 0x0000_4000_0000_0000;
const WRAP: usize = usize::MAX - 7;
const UNREADABLE: [usize; 5] = [NULL, LOW, KERNEL, NONCANONICAL, WRAP];

struct Tally<'a> {
    passed: usize,
    skipped: usize,
    failed: usize,
    /// Calls not judged (`--skip`).
    skip: Vec<&'a str>,
}

impl Tally<'_> {
    /// Records one call that must fail with EFAULT.
    fn check(&mut self, what: &str, ptr: usize, r: Result<usize, Errno>) {
        let call = what.split('(').next().unwrap_or(what);
        match r {
            _ if self.skip.contains(&call) => self.skipped += 1,
            Err(Errno::EFAULT) => self.passed += 1,
            Err(Errno::ENOSYS) => self.skipped += 1,
            other => {
                self.failed += 1;
                eprintln!("efault: FAIL {what} with pointer {ptr:#x}: got {other:?}, want EFAULT");
            }
        }
    }
}

/// Addresses the kernel must not write: the unreadable ones and text.
fn unwritable() -> [usize; 6] {
    let text = main as fn(Args) -> i32 as usize;
    [NULL, LOW, KERNEL, NONCANONICAL, WRAP, text]
}

/// An address whose page is unmapped while the page below it is mapped and
/// writable: from mmap (two pages, the second unmapped again), or brk.
fn hole() -> Option<usize> {
    // SAFETY: a fresh mapping of our own; we unmap only its second page.
    let mapped = unsafe { sys::mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) };
    if let Ok(a) = mapped {
        // SAFETY: the page is ours and nothing uses it.
        unsafe { sys::munmap(a + PAGE, PAGE) }.ok()?;
        return Some(a + PAGE);
    }
    let start = (sys::brk(0) + PAGE - 1) & !(PAGE - 1);
    (sys::brk(start + PAGE) >= start + PAGE).then_some(start + PAGE)
}

/// Calls that read user memory: write, writev, openat, newfstatat's path,
/// mkdirat, unlinkat, chdir, nanosleep, ppoll, execve.
fn reading_calls(t: &mut Tally<'_>) {
    for p in UNREADABLE {
        // SAFETY (all calls below): p is not mapped for us, so the kernel
        // must refuse it before touching memory.
        unsafe {
            t.check("write", p, syscall!(nr::WRITE, 1, p, 16));
            t.check("writev(iov)", p, syscall!(nr::WRITEV, 1, p, 1));
            let iov = [IoVec { iov_base: p, iov_len: 16 }];
            t.check("writev(iov_base)", p, syscall!(nr::WRITEV, 1, iov.as_ptr(), 1));
            t.check("openat", p, syscall!(nr::OPENAT, AT_FDCWD, p, O_RDONLY, 0));
            let mut st = [0u8; 128];
            t.check("newfstatat(path)", p, syscall!(nr::NEWFSTATAT, AT_FDCWD, p, st.as_mut_ptr(), 0));
            t.check("mkdirat", p, syscall!(nr::MKDIRAT, AT_FDCWD, p, 0o755));
            t.check("unlinkat", p, syscall!(nr::UNLINKAT, AT_FDCWD, p, 0));
            t.check("chdir", p, syscall!(nr::CHDIR, p));
            t.check("nanosleep", p, syscall!(nr::NANOSLEEP, p, 0));
            t.check("ppoll", p, syscall!(nr::PPOLL, p, 1, 0, 0, 8));
            t.check("execve(path)", p, syscall!(nr::EXECVE, p, 0, 0));
            if p != NULL {
                // (argv = [NULL] is an empty argv, which is valid.)
                let argv = [p, 0];
                t.check("execve(argv[0])", p, syscall!(nr::EXECVE, c"/bin/sh".as_ptr(), argv.as_ptr(), 0));
            }
        }
    }
}

/// Calls that write user memory, at each of `bad`.
fn writing_calls(t: &mut Tally<'_>, bad: &[usize], pipe: [i32; 2], dir: i32) {
    let tty = sys::tiocgwinsz(1).is_ok();
    for &p in bad {
        // SAFETY (all calls below): p cannot be written by us; the kernel must
        // refuse it and write nothing anywhere.
        unsafe {
            let _ = sys::write(pipe[1], b"0123456789abcdef");
            t.check("read", p, syscall!(nr::READ, pipe[0], p, 16));
            // From the start, so there are entries to copy (at the end there
            // is nothing to copy and Linux returns 0 whatever the buffer).
            let _ = sys::lseek(dir, 0, SEEK_SET);
            t.check("getdents64", p, syscall!(nr::GETDENTS64, dir, p, 4096));
            t.check("getrandom", p, syscall!(nr::GETRANDOM, p, 16, 0));
            if tty {
                t.check("ioctl(TIOCGWINSZ)", p, syscall!(nr::IOCTL, 1, TIOCGWINSZ, p));
            }
        }
        struct_writing_calls(t, p);
    }
}

/// Calls that write a whole structure at `p`; Linux never copies part of
/// one, so they also get `p` = the last byte of a mapping.
fn struct_writing_calls(t: &mut Tally<'_>, p: usize) {
    // SAFETY (all calls below): at most the first byte at p is ours; the
    // kernel must refuse the rest, and may write that byte at most.
    unsafe {
        t.check("newfstatat(buf)", p, syscall!(nr::NEWFSTATAT, AT_FDCWD, c"/".as_ptr(), p, 0));
        t.check("fstat", p, syscall!(nr::FSTAT, 1, p));
        t.check("getcwd", p, syscall!(nr::GETCWD, p, 64));
        t.check("uname", p, syscall!(nr::UNAME, p));
        t.check("clock_gettime", p, syscall!(nr::CLOCK_GETTIME, CLOCK_MONOTONIC, p));
        t.check("pipe2", p, syscall!(nr::PIPE2, p, 0));
        t.check("getrusage", p, syscall!(nr::GETRUSAGE, RUSAGE_SELF, p));
    }
}

/// wait4 with a bad status pointer: EFAULT; the child is then gone (Linux
/// reaps it) or still waitable.
fn wait_calls(t: &mut Tally<'_>, bad: &[usize]) -> Result<(), Errno> {
    for &p in bad.iter().filter(|&&p| p != NULL) {
        let pid = match sys::fork()? {
            0 => process::exit(0),
            pid => pid,
        };
        // SAFETY: p cannot be written by us; the kernel must refuse it.
        t.check("wait4(status)", p, unsafe { syscall!(nr::WAIT4, pid, p, 0, 0) });
        match sys::wait4(pid as i32, 0) {
            Ok(_) | Err(Errno::ECHILD) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn run(skip: Vec<&str>) -> Result<Tally<'_>, Errno> {
    let mut t = Tally { passed: 0, skipped: 0, failed: 0, skip };
    let mut bad = Vec::from(unwritable());
    let pipe = sys::pipe2(0)?;
    let dir = sv39_rt::fs::Fd::open(b"/", O_RDONLY | O_DIRECTORY, 0)?;
    reading_calls(&mut t);
    writing_calls(&mut t, &bad, pipe, dir.raw());
    if let Some(h) = hole() {
        struct_writing_calls(&mut t, h - 1);
        bad.push(h - 1);
    }
    wait_calls(&mut t, &bad)?;
    Ok(t)
}

fn main(args: Args) -> i32 {
    let mut skip = Vec::new();
    let mut words = (1..args.len()).filter_map(|i| args.str(i));
    while let Some(w) = words.next() {
        match (w, words.next()) {
            ("--skip", Some(call)) => skip.push(call),
            _ => {
                eprintln!("usage: efault [--skip CALL]...");
                return 2;
            }
        }
    }
    match run(skip) {
        Ok(t) => {
            println!("efault: {} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped);
            (t.failed != 0) as i32
        }
        Err(e) => {
            eprintln!("efault: setting up: {e}");
            1
        }
    }
}
