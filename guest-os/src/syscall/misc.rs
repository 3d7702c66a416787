//! The rest: uname, getrandom, reboot (power-off with a status, see
//! sv39_abi::reboot).

use super::SysResult;
use crate::drivers::finisher;
use crate::mm::uaccess::{copy_to_user, write_value};
use crate::rand;
use alloc::vec;
use sv39_abi::random::{GRND_INSECURE, GRND_NONBLOCK, GRND_RANDOM};
use sv39_abi::reboot::*;
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

pub fn getrandom(buf: u64, len: usize, flags: u32) -> SysResult {
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0 {
        return Err(Errno::EINVAL);
    }
    let n = len.min(1 << 20);
    let mut bytes = vec![0u8; n];
    rand::fill(&mut bytes);
    copy_to_user(buf, &bytes)?;
    Ok(n)
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
