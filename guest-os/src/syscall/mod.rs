//! System calls: the Linux riscv64 ABI (number in a7, arguments in a0-a5,
//! result or -errno in a0), numbers and errno values from sv39-abi. One file
//! per area; unknown numbers answer ENOSYS and are reported once each.

mod compat;
mod fs;
pub mod futex;
mod misc;
mod mm;
mod proc;
mod signal;
mod swap;
mod time;

use crate::proc::scheduler;
use crate::trap::TrapFrame;
use sv39_abi::syscall as nr;
use sv39_abi::{syscall_name, Errno};

/// What a handler returns: a value for a0, or an error.
pub type SysResult = Result<usize, Errno>;

/// Handles the system call in `frame`; returns what goes in a0.
pub fn dispatch(frame: &mut TrapFrame) -> usize {
    let a = |i: usize| frame.arg(i);
    let n = frame.regs[17] as usize;
    let result = match n {
        nr::READ => fs::read(a(0) as i32, a(1), a(2) as usize),
        nr::WRITE => fs::write(a(0) as i32, a(1), a(2) as usize),
        nr::READV => fs::readv(a(0) as i32, a(1), a(2) as usize),
        nr::WRITEV => fs::writev(a(0) as i32, a(1), a(2) as usize),
        nr::OPENAT => fs::openat(a(0) as i32, a(1), a(2) as u32, a(3) as u32),
        nr::CLOSE => fs::close(a(0) as i32),
        nr::LSEEK => fs::lseek(a(0) as i32, a(1) as i64, a(2) as u32),
        nr::FSYNC | nr::FDATASYNC => fs::fsync(a(0) as i32),
        nr::SYNC => fs::sync(),
        nr::SWAPON => swap::swapon(a(0), a(1) as u32),
        nr::SWAPOFF => swap::swapoff(a(0)),
        nr::NEWFSTATAT => fs::newfstatat(a(0) as i32, a(1), a(2), a(3) as u32),
        nr::FSTAT => fs::fstat(a(0) as i32, a(1)),
        nr::DUP => fs::dup(a(0) as i32),
        nr::DUP3 => fs::dup3(a(0) as i32, a(1) as i32, a(2) as u32),
        nr::FCNTL => fs::fcntl(a(0) as i32, a(1) as u32, a(2)),
        nr::PIPE2 => fs::pipe2(a(0), a(1) as u32),
        nr::GETDENTS64 => fs::getdents64(a(0) as i32, a(1), a(2) as usize),
        nr::MKDIRAT => fs::mkdirat(a(0) as i32, a(1), a(2) as u32),
        nr::UNLINKAT => fs::unlinkat(a(0) as i32, a(1), a(2) as u32),
        nr::FACCESSAT => fs::faccessat(a(0) as i32, a(1), a(2) as u32, 0),
        nr::FACCESSAT2 => fs::faccessat(a(0) as i32, a(1), a(2) as u32, a(3) as u32),
        nr::CHDIR => fs::chdir(a(0)),
        nr::FCHDIR => fs::fchdir(a(0) as i32),
        nr::GETCWD => fs::getcwd(a(0), a(1) as usize),
        nr::FTRUNCATE => fs::ftruncate(a(0) as i32, a(1) as i64),
        nr::IOCTL => fs::ioctl(a(0) as i32, a(1) as u32, a(2)),
        nr::PPOLL => fs::ppoll(a(0), a(1) as usize, a(2)),
        nr::BRK => mm::brk(a(0)),
        nr::MMAP => mm::mmap(a(0), a(1), a(2) as u32, a(3) as u32, a(4) as i32, a(5)),
        nr::MUNMAP => mm::munmap(a(0), a(1)),
        nr::MPROTECT => mm::mprotect(a(0), a(1), a(2) as u32),
        nr::MSYNC => mm::msync(a(0), a(1), a(2) as u32),
        nr::MADVISE => mm::madvise(a(0), a(1), a(2) as u32),
        nr::MREMAP => mm::mremap(a(0), a(1), a(2), a(3) as u32, a(4)),
        nr::FUTEX => futex::futex(a(0), a(1) as u32, a(2) as u32, a(3), a(4), a(5) as u32),
        nr::RT_SIGACTION => signal::rt_sigaction(a(0) as u32, a(1), a(2), a(3) as usize),
        nr::RT_SIGPROCMASK => signal::rt_sigprocmask(a(0) as u32, a(1), a(2), a(3) as usize),
        nr::RT_SIGPENDING => signal::rt_sigpending(a(0), a(1) as usize),
        nr::RT_SIGRETURN => signal::rt_sigreturn(frame),
        nr::SIGALTSTACK => signal::sigaltstack(frame, a(0), a(1)),
        nr::KILL => signal::kill(a(0) as i32, a(1) as u32),
        nr::TKILL => signal::tkill(a(0) as i32, a(1) as u32),
        nr::TGKILL => signal::tgkill(a(0) as i32, a(1) as i32, a(2) as u32),
        nr::GETRUSAGE => proc::getrusage(a(0) as i32, a(1)),
        nr::CLONE => proc::clone(frame, a(0), a(1), a(2), a(3), a(4)),
        nr::CLONE3 => proc::clone3(frame, a(0), a(1) as usize),
        nr::EXECVE => proc::execve(frame, a(0), a(1), a(2)),
        nr::EXIT => proc::exit(a(0) as i32),
        nr::EXIT_GROUP => proc::exit_group(a(0) as i32),
        nr::WAIT4 => proc::wait4(a(0) as i32, a(1), a(2) as u32, a(3)),
        nr::GETPID => Ok(scheduler::current().tgid as usize),
        nr::GETTID => Ok(scheduler::current().pid as usize),
        nr::GETPPID => Ok(scheduler::current().ppid.get() as usize),
        nr::SETPGID => proc::setpgid(a(0) as i32, a(1) as i32),
        nr::GETPGID => proc::getpgid(a(0) as i32),
        nr::GETSID => proc::getsid(a(0) as i32),
        nr::SETSID => proc::setsid(),
        nr::GETUID | nr::GETEUID | nr::GETGID | nr::GETEGID => Ok(0),
        nr::SCHED_YIELD => proc::sched_yield(),
        nr::SET_TID_ADDRESS => proc::set_tid_address(a(0)),
        nr::NANOSLEEP => time::nanosleep(a(0), a(1)),
        nr::CLOCK_NANOSLEEP => time::clock_nanosleep(a(0) as u32, a(1) as u32, a(2), a(3)),
        nr::CLOCK_GETTIME => time::clock_gettime(a(0) as u32, a(1)),
        nr::UNAME => misc::uname(a(0)),
        nr::SYSINFO => misc::sysinfo(a(0)),
        nr::PRCTL => misc::prctl(a(0) as u32, a(1)),
        nr::STATX => compat::statx(a(0) as i32, a(1), a(2) as u32, a(3) as u32, a(4)),
        nr::GETRANDOM => misc::getrandom(a(0), a(1) as usize, a(2) as u32),
        nr::REBOOT => misc::reboot(a(0) as u32, a(1) as u32, a(2) as u32, a(3)),
        nr::PREAD64 => compat::pread64(a(0) as i32, a(1), a(2) as usize, a(3) as i64),
        nr::PWRITE64 => compat::pwrite64(a(0) as i32, a(1), a(2) as usize, a(3) as i64),
        nr::RENAMEAT2 => compat::renameat2(a(0) as i32, a(1), a(2) as i32, a(3), a(4) as u32),
        nr::READLINKAT => compat::readlinkat(a(0) as i32, a(1), a(2), a(3) as usize),
        nr::SET_ROBUST_LIST => compat::set_robust_list(a(0), a(1) as usize),
        nr::GET_ROBUST_LIST => compat::get_robust_list(a(0) as i32, a(1), a(2)),
        nr::PRLIMIT64 => compat::prlimit64(a(0) as i32, a(1) as u32, a(2), a(3)),
        nr::SCHED_GETAFFINITY => compat::sched_getaffinity(a(0) as i32, a(1) as usize, a(2)),
        // glibc registers rseq at start-up and goes on without it.
        nr::RSEQ => Err(Errno::ENOSYS),
        _ => unknown(n),
    };
    result.unwrap_or_else(|e| e.to_ret())
}

/// ENOSYS, with one console line the first time each number is seen by
/// a process (numbers past 511 share the last bit).
fn unknown(n: usize) -> SysResult {
    let p = scheduler::current();
    let first = {
        let mut inner = p.inner.borrow_mut();
        let m = n.min(511);
        let (word, bit) = (m / 64, 1u64 << (m % 64));
        let first = inner.unknown_reported[word] & bit == 0;
        inner.unknown_reported[word] |= bit;
        first
    };
    if first {
        let name = syscall_name(n).unwrap_or("?");
        crate::println!("[kernel] pid {} ({}): unknown system call {n} ({name}): ENOSYS", p.tgid, p.inner.borrow().name);
    }
    Err(Errno::ENOSYS)
}
