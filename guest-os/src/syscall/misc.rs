//! The rest: uname, sysinfo, getrandom, prctl (thread names), reboot
//! (power-off with a status, see sv39_abi::reboot).

use super::SysResult;
use crate::drivers::finisher;
use crate::mm::uaccess::{copy_from_user, copy_to_user, write_value};
use crate::proc::scheduler;
use crate::{mm, rand, timer};
use alloc::string::String;
use alloc::vec;
use sv39_abi::prctl::{PR_GET_NAME, PR_SET_NAME, TASK_COMM_LEN};
use sv39_abi::random::{GRND_INSECURE, GRND_NONBLOCK, GRND_RANDOM};
use sv39_abi::reboot::*;
use sv39_abi::sysinfo::Sysinfo;
use sv39_abi::utsname::{set_field, UtsName};
use sv39_abi::Errno;

pub fn uname(buf: u64) -> SysResult {
    let mut u = UtsName::default();
    set_field(&mut u.sysname, "Linux");
    set_field(&mut u.nodename, "sv39");
    set_field(&mut u.release, "6.1.0-sv39");
    set_field(&mut u.version, "#1 sv39 guest-os");
    set_field(&mut u.machine, "riscv64");
    set_field(&mut u.domainname, "(none)");
    write_value(buf, &u)?;
    Ok(0)
}

/// sysinfo: uptime in seconds rounded up (as Linux's do_sysinfo), memory
/// in bytes (mem_unit 1), the threads in the table as `procs` (Linux counts
/// nr_threads, zombies until reaped). Zero where this kernel has nothing to
/// count: load averages (none kept), shared and buffer memory (no shmem
/// accounting, no block devices), swap, high memory.
pub fn sysinfo(info: u64) -> SysResult {
    let (free, managed) = mm::frame::counts();
    let page = sv39_arch::sv39::PAGE_SIZE;
    let s = Sysinfo {
        uptime: timer::now_ns().div_ceil(1_000_000_000) as i64,
        totalram: managed as u64 * page,
        freeram: free as u64 * page,
        procs: scheduler::counts().0 as u16,
        mem_unit: 1,
        ..Sysinfo::default()
    };
    write_value(info, &s)?;
    Ok(0)
}

/// getrandom: at most 1 MiB a call (a short read, which the interface
/// allows); GRND_INSECURE with GRND_RANDOM is EINVAL, as in Linux.
pub fn getrandom(buf: u64, len: usize, flags: u32) -> SysResult {
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0
        || flags & (GRND_INSECURE | GRND_RANDOM) == GRND_INSECURE | GRND_RANDOM
    {
        return Err(Errno::EINVAL);
    }
    let n = len.min(1 << 20);
    let mut bytes = vec![0u8; n];
    rand::fill(&mut bytes);
    copy_to_user(buf, &bytes)?;
    Ok(n)
}

/// prctl: PR_SET_NAME and PR_GET_NAME, the calling thread's name (the
/// leader's is the process's, which fault reports and /proc show); other
/// options are EINVAL, as Linux answers an option it does not know.
pub fn prctl(option: u32, arg: u64) -> SysResult {
    let p = scheduler::current();
    match option {
        PR_SET_NAME => {
            let mut name = [0u8; TASK_COMM_LEN - 1];
            let mut len = 0;
            while len < name.len() {
                copy_from_user(&mut name[len..len + 1], arg + len as u64)?;
                if name[len] == 0 {
                    break;
                }
                len += 1;
            }
            let name = String::from_utf8_lossy(&name[..len]).into_owned();
            if p.is_leader() {
                p.inner.borrow_mut().name = name.clone();
            }
            *p.comm.borrow_mut() = Some(name);
            Ok(0)
        }
        PR_GET_NAME => {
            let mut buf = [0u8; TASK_COMM_LEN];
            let name = p.thread_name();
            let n = name.len().min(TASK_COMM_LEN - 1);
            buf[..n].copy_from_slice(&name.as_bytes()[..n]);
            copy_to_user(arg, &buf)?;
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// reboot: LINUX_REBOOT_CMD_POWER_OFF with the exit status in the fourth
/// argument powers the machine off through the test finisher.
pub fn reboot(magic1: u32, magic2: u32, cmd: u32, arg: u64) -> SysResult {
    if magic1 != LINUX_REBOOT_MAGIC1 || !magic2_ok(magic2) {
        return Err(Errno::EINVAL);
    }
    match cmd {
        LINUX_REBOOT_CMD_POWER_OFF => finisher::power_off(arg as u32),
        LINUX_REBOOT_CMD_HALT => finisher::power_off(0),
        LINUX_REBOOT_CMD_RESTART => finisher::reset(),
        LINUX_REBOOT_CMD_CAD_ON | LINUX_REBOOT_CMD_CAD_OFF => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}
