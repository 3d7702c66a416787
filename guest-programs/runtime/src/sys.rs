//! System calls: [`syscall!`](crate::syscall) for raw calls, and one safe
//! wrapper per call the programs use, with Linux's name and argument order,
//! returning `Result<_, Errno>`.
//!
//! Wrappers that could make the kernel write to memory the caller does not
//! own, or change what memory holds or allows (mmap with `MAP_FIXED`,
//! munmap, mprotect, madvise, mremap, sigaltstack), or that install code to
//! run at any instruction (rt_sigaction), are `unsafe`.

use core::arch::asm;
use core::ffi::{c_char, CStr};
use core::mem::MaybeUninit;
use core::sync::atomic::AtomicU32;
use sv39_abi::futex::{FUTEX_WAIT, FUTEX_WAKE};
use sv39_abi::resource::Rusage;
use sv39_abi::signal::{SigAction, SigSet, StackT, SIGSET_SIZE};
use sv39_abi::stat::Stat;
use sv39_abi::syscall as nr;
use sv39_abi::time::Timespec;
use sv39_abi::utsname::UtsName;
use sv39_abi::{ioctl::Winsize, reboot as rb, uio::IoVec, Errno};

/// `ecall` with number `nr` and arguments a0-a5; returns a0 as is.
///
/// # Safety
/// The call may read or write any memory the arguments point at, or change
/// the address space: the caller answers for what it asks.
#[inline(always)]
pub unsafe fn syscall6(nr: usize, a: [usize; 6]) -> usize {
    let ret;
    // SAFETY: the caller vouches for the call; ecall clobbers only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a[0] => ret, in("a1") a[1], in("a2") a[2], in("a3") a[3],
             in("a4") a[4], in("a5") a[5], in("a7") nr, options(nostack));
    }
    ret
}

/// A raw system call: `syscall!(nr, args...)` with up to six arguments cast
/// to `usize`; evaluates to `Result<usize, Errno>`. Unsafe, as
/// [`syscall6`](crate::sys::syscall6).
#[macro_export]
macro_rules! syscall {
    ($nr:expr $(, $a:expr)* $(,)?) => {{
        let given: &[usize] = &[$($a as usize),*];
        let mut args = [0usize; 6];
        args[..given.len()].copy_from_slice(given);
        $crate::Errno::from_ret($crate::sys::syscall6($nr, args))
    }};
}

/// Makes a value the kernel fills in through `fill`'s pointer.
fn out<T>(fill: impl FnOnce(usize) -> Result<usize, Errno>) -> Result<T, Errno> {
    let mut v = MaybeUninit::<T>::uninit();
    fill(v.as_mut_ptr() as usize)?;
    // SAFETY: the call succeeded, so the kernel wrote a whole T.
    Ok(unsafe { v.assume_init() })
}

pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most buf.len() bytes into buf.
    unsafe { syscall!(nr::READ, fd, buf.as_mut_ptr(), buf.len()) }
}

pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads buf.
    unsafe { syscall!(nr::WRITE, fd, buf.as_ptr(), buf.len()) }
}

pub fn writev(fd: i32, bufs: &[&[u8]]) -> Result<usize, Errno> {
    let iov: alloc::vec::Vec<IoVec> =
        bufs.iter().map(|b| IoVec { iov_base: b.as_ptr() as usize, iov_len: b.len() }).collect();
    // SAFETY: the kernel only reads iov and the buffers it names.
    unsafe { syscall!(nr::WRITEV, fd, iov.as_ptr(), iov.len()) }
}

pub fn openat(dirfd: i32, path: &CStr, flags: u32, mode: u32) -> Result<usize, Errno> {
    // SAFETY: path is NUL-terminated and only read.
    unsafe { syscall!(nr::OPENAT, dirfd, path.as_ptr(), flags, mode) }
}

pub fn close(fd: i32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::CLOSE, fd) }
}

pub fn lseek(fd: i32, offset: i64, whence: u32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::LSEEK, fd, offset, whence) }
}

pub fn pread64(fd: i32, buf: &mut [u8], offset: i64) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most buf.len() bytes into buf.
    unsafe { syscall!(nr::PREAD64, fd, buf.as_mut_ptr(), buf.len(), offset) }
}

pub fn pwrite64(fd: i32, buf: &[u8], offset: i64) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads buf.
    unsafe { syscall!(nr::PWRITE64, fd, buf.as_ptr(), buf.len(), offset) }
}

pub fn fsync(fd: i32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::FSYNC, fd) }
}

pub fn swapon(path: &CStr, flags: u32) -> Result<usize, Errno> {
    // SAFETY: path is only read.
    unsafe { syscall!(nr::SWAPON, path.as_ptr(), flags) }
}

pub fn swapoff(path: &CStr) -> Result<usize, Errno> {
    // SAFETY: path is only read.
    unsafe { syscall!(nr::SWAPOFF, path.as_ptr()) }
}

pub fn fstat(fd: i32) -> Result<Stat, Errno> {
    // SAFETY: the kernel writes one Stat at the pointer `out` provides.
    out(|p| unsafe { syscall!(nr::FSTAT, fd, p) })
}

pub fn newfstatat(dirfd: i32, path: &CStr, flags: u32) -> Result<Stat, Errno> {
    // SAFETY: path is only read; the kernel writes one Stat.
    out(|p| unsafe { syscall!(nr::NEWFSTATAT, dirfd, path.as_ptr(), p, flags) })
}

pub fn dup(fd: i32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::DUP, fd) }
}

pub fn dup3(old: i32, new: i32, flags: u32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::DUP3, old, new, flags) }
}

/// A pipe: [read end, write end].
pub fn pipe2(flags: u32) -> Result<[i32; 2], Errno> {
    // SAFETY: the kernel writes two ints.
    out(|p| unsafe { syscall!(nr::PIPE2, p, flags) })
}

pub fn getdents64(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most buf.len() bytes into buf.
    unsafe { syscall!(nr::GETDENTS64, fd, buf.as_mut_ptr(), buf.len()) }
}

pub fn mkdirat(dirfd: i32, path: &CStr, mode: u32) -> Result<usize, Errno> {
    // SAFETY: path is only read.
    unsafe { syscall!(nr::MKDIRAT, dirfd, path.as_ptr(), mode) }
}

pub fn unlinkat(dirfd: i32, path: &CStr, flags: u32) -> Result<usize, Errno> {
    // SAFETY: path is only read.
    unsafe { syscall!(nr::UNLINKAT, dirfd, path.as_ptr(), flags) }
}

pub fn chdir(path: &CStr) -> Result<usize, Errno> {
    // SAFETY: path is only read.
    unsafe { syscall!(nr::CHDIR, path.as_ptr()) }
}

/// Fills `buf` with the working directory; returns its length with the NUL.
pub fn getcwd(buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most buf.len() bytes into buf.
    unsafe { syscall!(nr::GETCWD, buf.as_mut_ptr(), buf.len()) }
}

pub fn ftruncate(fd: i32, len: i64) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::FTRUNCATE, fd, len) }
}

/// Sets the program break; returns the break after the call (the old one
/// when it could not move). `brk(0)` asks for the current break.
pub fn brk(addr: usize) -> usize {
    // SAFETY: moving the break only adds or removes the heap's own pages,
    // which only the allocator and the caller of brk use.
    unsafe { syscall!(nr::BRK, addr) }.unwrap_or(0)
}

/// # Safety
/// With `MAP_FIXED`, whatever was mapped at `addr` is replaced.
pub unsafe fn mmap(addr: usize, len: usize, prot: u32, flags: u32, fd: i32, off: i64) -> Result<usize, Errno> {
    // SAFETY: the caller answers for MAP_FIXED.
    unsafe { syscall!(nr::MMAP, addr, len, prot, flags, fd, off) }
}

/// # Safety
/// Nothing may use the range afterwards.
pub unsafe fn munmap(addr: usize, len: usize) -> Result<usize, Errno> {
    // SAFETY: the caller gives up the range.
    unsafe { syscall!(nr::MUNMAP, addr, len) }
}

/// Changes the protection of whole pages.
///
/// # Safety
/// Code that uses the range must not rely on access the new protection
/// takes away (or it faults).
pub unsafe fn mprotect(addr: usize, len: usize, prot: u32) -> Result<usize, Errno> {
    // SAFETY: the caller answers for the range.
    unsafe { syscall!(nr::MPROTECT, addr, len, prot) }
}

/// Writes a shared file mapping's changed pages back to its file
/// (`MS_SYNC`, `MS_ASYNC`).
pub fn msync(addr: usize, len: usize, flags: u32) -> Result<usize, Errno> {
    // SAFETY: msync reads page tables, never the caller's memory.
    unsafe { syscall!(nr::MSYNC, addr, len, flags) }
}

/// # Safety
/// `MADV_DONTNEED` drops the pages: private anonymous memory reads as zero
/// afterwards, so nothing may hold values in it.
pub unsafe fn madvise(addr: usize, len: usize, advice: u32) -> Result<usize, Errno> {
    // SAFETY: the caller answers for the range.
    unsafe { syscall!(nr::MADVISE, addr, len, advice) }
}

/// Grows, shrinks or moves a mapping; returns its (new) address.
///
/// # Safety
/// With `MREMAP_MAYMOVE` the old addresses become invalid; shrinking frees
/// the tail.
pub unsafe fn mremap(addr: usize, old_len: usize, new_len: usize, flags: u32) -> Result<usize, Errno> {
    // SAFETY: the caller answers for the old range.
    unsafe { syscall!(nr::MREMAP, addr, old_len, new_len, flags, 0) }
}

/// `futex(word, FUTEX_WAIT | flags, expected)`: sleeps while `word` holds
/// `expected`; `EAGAIN` at once if it does not. `flags` is 0 for a word
/// shared between processes, `FUTEX_PRIVATE_FLAG` otherwise.
pub fn futex_wait(word: &AtomicU32, expected: u32, flags: u32) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads the word; no timeout.
    unsafe { syscall!(nr::FUTEX, word.as_ptr(), FUTEX_WAIT | flags, expected, 0) }
}

/// `futex(word, FUTEX_WAKE | flags, n)`: wakes up to `n` waiters on `word`;
/// returns how many woke.
pub fn futex_wake(word: &AtomicU32, n: u32, flags: u32) -> Result<usize, Errno> {
    // SAFETY: the kernel does not touch the word.
    unsafe { syscall!(nr::FUTEX, word.as_ptr(), FUTEX_WAKE | flags, n) }
}

/// Sets the action for `sig` (riscv64: no `sa_restorer`; the kernel provides
/// the return to `rt_sigreturn`); returns the previous one.
///
/// # Safety
/// A handler runs at any instruction of the program: it must only do what
/// is safe there.
pub unsafe fn rt_sigaction(sig: u32, act: &SigAction) -> Result<SigAction, Errno> {
    /// The action with room after it: qemu-riscv64 7.2 reads and writes 32
    /// bytes (a trailing word of its own) where Linux uses 24.
    #[repr(C)]
    struct Padded(SigAction, u64);
    let (new, mut old) = (Padded(*act, 0), Padded(SigAction::default(), 0));
    // SAFETY: new is read and old written, both whole; the caller answers for the handler.
    unsafe { syscall!(nr::RT_SIGACTION, sig, &raw const new, &raw mut old, SIGSET_SIZE) }?;
    Ok(old.0)
}

/// Blocks, unblocks or sets (`SIG_BLOCK`, ...) the signal mask; returns the
/// previous mask.
pub fn rt_sigprocmask(how: u32, set: SigSet) -> Result<SigSet, Errno> {
    // SAFETY: set is read and one SigSet written.
    out(|p| unsafe { syscall!(nr::RT_SIGPROCMASK, how, &raw const set, p, SIGSET_SIZE) })
}

/// Sets the alternate signal stack; returns the previous one.
///
/// # Safety
/// The kernel will write signal frames anywhere in the stack: it must be
/// memory nothing else uses, for as long as it is installed.
pub unsafe fn sigaltstack(stack: &StackT) -> Result<StackT, Errno> {
    // SAFETY: stack is read and one StackT written; the caller answers for the memory.
    out(|p| unsafe { syscall!(nr::SIGALTSTACK, stack as *const StackT, p) })
}

/// `clone(SIGCHLD, 0, ...)`, a plain fork: the child's pid, or 0 in the child.
pub fn fork() -> Result<usize, Errno> {
    // SAFETY: the child gets a copy of the address space; no memory is shared.
    unsafe { syscall!(nr::CLONE, sv39_abi::signal::SIGCHLD, 0, 0, 0, 0) }
}

/// Replaces the program; returns only on failure.
///
/// # Safety
/// `argv` and `envp` must be NULL-terminated arrays of C strings.
pub unsafe fn execve(path: &CStr, argv: *const *const c_char, envp: *const *const c_char) -> Errno {
    // SAFETY: the caller vouches for argv and envp.
    match unsafe { syscall!(nr::EXECVE, path.as_ptr(), argv, envp) } {
        Err(e) => e,
        Ok(_) => Errno::EINVAL,
    }
}

/// Ends the process (every thread) with `code & 0xff`.
pub fn exit_group(code: i32) -> ! {
    // SAFETY: no memory involved.
    let _ = unsafe { syscall!(nr::EXIT_GROUP, code) };
    unreachable!("exit_group returned")
}

/// Waits for a child: (its pid, its wait status); pid 0 with `WNOHANG` when
/// none has changed state.
pub fn wait4(pid: i32, options: u32) -> Result<(i32, i32), Errno> {
    let mut status = 0i32;
    // SAFETY: the kernel writes one int to status.
    let pid = unsafe { syscall!(nr::WAIT4, pid, &raw mut status, options, 0) }?;
    Ok((pid as i32, status))
}

pub fn getpid() -> i32 {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::GETPID) }.unwrap_or(0) as i32
}

pub fn getppid() -> i32 {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::GETPPID) }.unwrap_or(0) as i32
}

pub fn kill(pid: i32, sig: u32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::KILL, pid, sig) }
}

pub fn sched_yield() {
    // SAFETY: no memory involved.
    let _ = unsafe { syscall!(nr::SCHED_YIELD) };
}

pub fn nanosleep(t: &Timespec) -> Result<usize, Errno> {
    // SAFETY: t is only read.
    unsafe { syscall!(nr::NANOSLEEP, t as *const Timespec, 0) }
}

pub fn clock_gettime(clock: u32) -> Result<Timespec, Errno> {
    // SAFETY: the kernel writes one Timespec.
    out(|p| unsafe { syscall!(nr::CLOCK_GETTIME, clock, p) })
}

pub fn uname() -> Result<UtsName, Errno> {
    // SAFETY: the kernel writes one UtsName.
    out(|p| unsafe { syscall!(nr::UNAME, p) })
}

pub fn getrandom(buf: &mut [u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most buf.len() bytes into buf.
    unsafe { syscall!(nr::GETRANDOM, buf.as_mut_ptr(), buf.len(), flags) }
}

pub fn getrusage(who: i32) -> Result<Rusage, Errno> {
    // SAFETY: the kernel writes one Rusage.
    out(|p| unsafe { syscall!(nr::GETRUSAGE, who, p) })
}

/// `ioctl(fd, TIOCGWINSZ)`: the terminal's size; `ENOTTY` when fd is no terminal.
pub fn tiocgwinsz(fd: i32) -> Result<Winsize, Errno> {
    // SAFETY: the kernel writes one Winsize.
    out(|p| unsafe { syscall!(nr::IOCTL, fd, sv39_abi::ioctl::TIOCGWINSZ, p) })
}

/// `ioctl(fd, TCGETS)`: the terminal's settings; `ENOTTY` when fd is no terminal.
pub fn tcgets(fd: i32) -> Result<sv39_abi::termios::Termios, Errno> {
    // SAFETY: the kernel writes one Termios.
    out(|p| unsafe { syscall!(nr::IOCTL, fd, sv39_abi::ioctl::TCGETS, p) })
}

/// `ioctl(fd, TIOCGPGRP)`: the terminal's foreground process group.
pub fn tcgetpgrp(fd: i32) -> Result<i32, Errno> {
    // SAFETY: the kernel writes one int.
    out(|p| unsafe { syscall!(nr::IOCTL, fd, sv39_abi::ioctl::TIOCGPGRP, p) })
}

/// `ioctl(fd, TIOCSPGRP)`: makes `pgrp` the terminal's foreground group.
pub fn tcsetpgrp(fd: i32, pgrp: i32) -> Result<usize, Errno> {
    // SAFETY: the kernel reads one int.
    unsafe { syscall!(nr::IOCTL, fd, sv39_abi::ioctl::TIOCSPGRP, &raw const pgrp) }
}

/// `ioctl(fd, TIOCSCTTY, 0)`: the terminal becomes the session's controlling terminal.
pub fn tiocsctty(fd: i32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::IOCTL, fd, sv39_abi::ioctl::TIOCSCTTY, 0) }
}

pub fn setpgid(pid: i32, pgid: i32) -> Result<usize, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::SETPGID, pid, pgid) }
}

pub fn getpgid(pid: i32) -> Result<i32, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::GETPGID, pid) }.map(|g| g as i32)
}

pub fn setsid() -> Result<i32, Errno> {
    // SAFETY: no memory involved.
    unsafe { syscall!(nr::SETSID) }.map(|s| s as i32)
}

/// `reboot(MAGIC1, MAGIC2, cmd, arg)`; for `LINUX_REBOOT_CMD_POWER_OFF`, arg
/// is the status to power off with (see `sv39_abi::reboot`).
pub fn reboot(cmd: u32, arg: usize) -> Result<usize, Errno> {
    // SAFETY: for these commands the kernel reads no memory.
    unsafe { syscall!(nr::REBOOT, rb::LINUX_REBOOT_MAGIC1, rb::LINUX_REBOOT_MAGIC2, cmd, arg) }
}
