//! The only way the kernel touches user memory: `copy_to_user` and
//! `copy_from_user` (and helpers on top). They check that the range lies in
//! the user half, then fault its pages in as the process itself would (so
//! demand paging, copy-on-write and stack growth apply, and memory its
//! mappings forbid is EFAULT, PROT_NONE included), set `sstatus.SUM` only for
//! the copy itself, and run the copy in a small assembly routine whose page
//! faults the trap handler turns into a jump to its recovery point
//! (`fixup`): a bad pointer is EFAULT, never a kernel fault.

use crate::cpu;
use crate::memlayout::USER_TOP;
use crate::mm::address_space::{self, Access};
use alloc::vec::Vec;
use core::arch::global_asm;
use sv39_abi::Errno;

global_asm!(
    r#"
    .section .text
    .p2align 2
    .globl __copy_user
    .globl __copy_user_end
    .globl __copy_user_fault
/* a0 = dst, a1 = src, a2 = length; a0 = 0 on success. Either side may be user
 * memory; a fault anywhere in here resumes at __copy_user_fault. */
__copy_user:
    or      t1, a0, a1
    andi    t1, t1, 7
    bnez    t1, 2f
1:  li      t1, 8
    bltu    a2, t1, 2f
    ld      t0, 0(a1)
    sd      t0, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, 8
    addi    a2, a2, -8
    j       1b
2:  beqz    a2, 3f
    lb      t0, 0(a1)
    sb      t0, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       2b
3:  li      a0, 0
    ret
__copy_user_fault:
    li      a0, 1
    ret
__copy_user_end:
"#
);

extern "C" {
    fn __copy_user(dst: *mut u8, src: *const u8, len: usize) -> usize;
    fn __copy_user_end();
    fn __copy_user_fault();
}

/// Where the trap handler resumes after a fault at `pc`, if `pc` is inside
/// the copy routine.
pub fn fixup(pc: u64) -> Option<u64> {
    let start = __copy_user as *const () as u64;
    let end = __copy_user_end as *const () as u64;
    (start <= pc && pc < end).then_some(__copy_user_fault as *const () as u64)
}

/// EFAULT unless `[addr, addr + len)` lies in the user half.
fn check_range(addr: u64, len: usize) -> Result<(), Errno> {
    match addr.checked_add(len as u64) {
        Some(end) if end <= USER_TOP => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// Runs the copy with SUM set.
fn copy(dst: *mut u8, src: *const u8, len: usize) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    cpu::permit_user_access(true);
    // SAFETY: the user side was range-checked; the kernel side is a live
    // buffer of `len` bytes; faults are recovered through `fixup`.
    let failed = unsafe { __copy_user(dst, src, len) };
    cpu::permit_user_access(false);
    if failed == 0 {
        Ok(())
    } else {
        Err(Errno::EFAULT)
    }
}

/// Makes `[addr, addr + len)` of the current process allow `access`.
fn fault_in(addr: u64, len: usize, access: Access) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    let prepared = address_space::with_current(|space| space.prepare(addr, len as u64, access));
    prepared.ok_or(Errno::EFAULT)?.map_err(|_| Errno::EFAULT)
}

/// Copies `src` to user address `dst`.
pub fn copy_to_user(dst: u64, src: &[u8]) -> Result<(), Errno> {
    check_range(dst, src.len())?;
    fault_in(dst, src.len(), Access::Write)?;
    copy(dst as *mut u8, src.as_ptr(), src.len())
}

/// Fills `dst` from user address `src`.
pub fn copy_from_user(dst: &mut [u8], src: u64) -> Result<(), Errno> {
    check_range(src, dst.len())?;
    fault_in(src, dst.len(), Access::Read)?;
    copy(dst.as_mut_ptr(), src as *const u8, dst.len())
}

/// Types whose every bit pattern is valid and that have no padding, so they
/// can be copied to and from user memory as bytes.
///
/// # Safety
/// Implement only for such `#[repr(C)]` types.
pub unsafe trait Plain: Copy + Default {}

// SAFETY: integers, and the ABI's repr(C) structs of integers whose padding is
// spelled out as fields.
unsafe impl Plain for u64 {}
unsafe impl Plain for i32 {}
unsafe impl Plain for sv39_abi::time::Timespec {}
unsafe impl Plain for sv39_abi::uio::IoVec {}
unsafe impl Plain for sv39_abi::stat::Stat {}
unsafe impl Plain for sv39_abi::ioctl::Winsize {}
unsafe impl Plain for sv39_abi::termios::Termios {}
unsafe impl Plain for sv39_abi::poll::PollFd {}
unsafe impl Plain for sv39_abi::utsname::UtsName {}
unsafe impl Plain for sv39_abi::signal::SigAction {}
unsafe impl Plain for sv39_abi::signal::SigInfo {}
unsafe impl Plain for sv39_abi::resource::Rusage {}
unsafe impl Plain for u32 {}
unsafe impl Plain for sv39_abi::sched::CloneArgs {}
unsafe impl Plain for sv39_abi::stat::Statx {}
unsafe impl Plain for sv39_abi::sysinfo::Sysinfo {}

/// Reads a `T` from user address `addr`.
pub fn read_value<T: Plain>(addr: u64) -> Result<T, Errno> {
    let mut value = T::default();
    copy_from_user(bytes_of_mut(&mut value), addr)?;
    Ok(value)
}

/// The bytes of `value`, to fill.
pub fn bytes_of_mut<T: Plain>(value: &mut T) -> &mut [u8] {
    // SAFETY: `T: Plain`, so its bytes may be written with anything.
    unsafe { core::slice::from_raw_parts_mut(value as *mut T as *mut u8, core::mem::size_of::<T>()) }
}

/// The bytes of `value`.
pub fn bytes_of<T: Plain>(value: &T) -> &[u8] {
    // SAFETY: `T: Plain` has no padding, so all its bytes are initialized.
    unsafe { core::slice::from_raw_parts(value as *const T as *const u8, core::mem::size_of::<T>()) }
}

/// Writes `value` to user address `addr`.
pub fn write_value<T: Plain>(addr: u64, value: &T) -> Result<(), Errno> {
    copy_to_user(addr, bytes_of(value))
}

/// The NUL-terminated string at `addr`, without its NUL; longer than `max`
/// bytes is `too_long`.
pub fn read_cstr(addr: u64, max: usize, too_long: Errno) -> Result<Vec<u8>, Errno> {
    let mut out = Vec::new();
    let mut at = addr;
    loop {
        let chunk = (4096 - (at % 4096) as usize).min(256);
        let mut buf = [0u8; 256];
        copy_from_user(&mut buf[..chunk], at)?;
        if let Some(nul) = buf[..chunk].iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..nul]);
            return if out.len() >= max { Err(too_long) } else { Ok(out) };
        }
        out.extend_from_slice(&buf[..chunk]);
        if out.len() >= max {
            return Err(too_long);
        }
        at += chunk as u64;
    }
}

/// The strings of a NULL-terminated array of string pointers (argv, envp),
/// at most `max_total` bytes in all (E2BIG beyond).
pub fn read_cstr_array(addr: u64, max_total: usize) -> Result<Vec<Vec<u8>>, Errno> {
    let mut out = Vec::new();
    let mut total = 0;
    if addr == 0 {
        return Ok(out);
    }
    for i in 0.. {
        let ptr: u64 = read_value(addr.checked_add(8 * i).ok_or(Errno::EFAULT)?)?;
        if ptr == 0 {
            break;
        }
        let s = read_cstr(ptr, max_total - total, Errno::E2BIG)?;
        total += s.len() + 1 + 8;
        if total > max_total {
            return Err(Errno::E2BIG);
        }
        out.push(s);
    }
    Ok(out)
}
