//! `reboot` (include/uapi/linux/reboot.h) and how the sv39 kernel powers the
//! machine off with a status.
//!
//! # The power-off convention
//!
//! init ends the system with
//! `reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, status)`
//! where `status` (the fourth argument, which Linux ignores for this command)
//! is the shell-style exit status of the program init ran: its exit code, or
//! 128 + the signal that killed it ([`crate::wait::shell_status`]). The
//! kernel writes the SiFive test finisher: `FINISHER_PASS` for status 0,
//! `FINISHER_FAIL | status << 16` otherwise, so `sv39 run` and
//! `qemu-system-riscv64` both exit with that status. `LINUX_REBOOT_CMD_HALT`
//! powers off as status 0 does; `LINUX_REBOOT_CMD_RESTART` writes
//! `FINISHER_RESET`. Bad magic numbers give `EINVAL`.
//!
//! A kernel panic powers off with [`PANIC_STATUS`], which no program can exit
//! with: QEMU reports it as 255 (it keeps the low 8 bits) and `sv39 run`
//! names it.

pub const LINUX_REBOOT_MAGIC1: u32 = 0xfee1_dead;
pub const LINUX_REBOOT_MAGIC2: u32 = 672_274_793;
pub const LINUX_REBOOT_MAGIC2A: u32 = 85_072_278;
pub const LINUX_REBOOT_MAGIC2B: u32 = 369_367_448;
pub const LINUX_REBOOT_MAGIC2C: u32 = 537_993_216;

pub const LINUX_REBOOT_CMD_RESTART: u32 = 0x0123_4567;
pub const LINUX_REBOOT_CMD_HALT: u32 = 0xcdef_0123;
pub const LINUX_REBOOT_CMD_CAD_ON: u32 = 0x89ab_cdef;
pub const LINUX_REBOOT_CMD_CAD_OFF: u32 = 0x0000_0000;
pub const LINUX_REBOOT_CMD_POWER_OFF: u32 = 0x4321_fedc;
pub const LINUX_REBOOT_CMD_RESTART2: u32 = 0xa1b2_c3d4;

/// The finisher status of a kernel panic (bits 16-31 of the FAIL write).
pub const PANIC_STATUS: u32 = 0x1ff;

/// Whether `magic2` is one of the values Linux accepts.
pub const fn magic2_ok(magic2: u32) -> bool {
    matches!(magic2, LINUX_REBOOT_MAGIC2 | LINUX_REBOOT_MAGIC2A | LINUX_REBOOT_MAGIC2B | LINUX_REBOOT_MAGIC2C)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_linux() {
        assert_eq!(LINUX_REBOOT_MAGIC2, 0x2812_1969);
        assert_eq!(LINUX_REBOOT_CMD_POWER_OFF, 1126301404);
        assert!(magic2_ok(LINUX_REBOOT_MAGIC2C) && !magic2_ok(0));
    }

    // QEMU shows a panic as 255 (the low byte); no program status is a panic.
    const _: () = assert!(PANIC_STATUS & 0xff == 255 && PANIC_STATUS > 255);
}
