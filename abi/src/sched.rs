//! `clone` flags (include/uapi/linux/sched.h).
//!
//! riscv64's `clone` takes (flags, newsp, parent_tid, tls, child_tid) in
//! a0-a4; the low byte of flags (`CSIGNAL`) is the signal sent to the parent
//! when the child exits. A plain fork is `clone(SIGCHLD, 0, 0, 0, 0)`.

/// Mask of the exit signal in the flags.
pub const CSIGNAL: u64 = 0xff;
pub const CLONE_VM: u64 = 0x100;
pub const CLONE_FS: u64 = 0x200;
pub const CLONE_FILES: u64 = 0x400;
pub const CLONE_SIGHAND: u64 = 0x800;
pub const CLONE_PIDFD: u64 = 0x1000;
pub const CLONE_PTRACE: u64 = 0x2000;
pub const CLONE_VFORK: u64 = 0x4000;
pub const CLONE_PARENT: u64 = 0x8000;
pub const CLONE_THREAD: u64 = 0x1_0000;
pub const CLONE_NEWNS: u64 = 0x2_0000;
pub const CLONE_SYSVSEM: u64 = 0x4_0000;
pub const CLONE_SETTLS: u64 = 0x8_0000;
pub const CLONE_PARENT_SETTID: u64 = 0x10_0000;
pub const CLONE_CHILD_CLEARTID: u64 = 0x20_0000;
pub const CLONE_DETACHED: u64 = 0x40_0000;
pub const CLONE_UNTRACED: u64 = 0x80_0000;
pub const CLONE_CHILD_SETTID: u64 = 0x100_0000;
pub const CLONE_NEWCGROUP: u64 = 0x200_0000;
pub const CLONE_NEWUTS: u64 = 0x400_0000;
pub const CLONE_NEWIPC: u64 = 0x800_0000;
pub const CLONE_NEWUSER: u64 = 0x1000_0000;
pub const CLONE_NEWPID: u64 = 0x2000_0000;
pub const CLONE_NEWNET: u64 = 0x4000_0000;
pub const CLONE_IO: u64 = 0x8000_0000;

/// `struct clone_args` of clone3 as Linux 5.7+ knows it (VER2, 88 bytes);
/// a caller may pass a shorter (older) or longer (newer) one.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CloneArgs {
    pub flags: u64,
    pub pidfd: u64,
    pub child_tid: u64,
    pub parent_tid: u64,
    pub exit_signal: u64,
    /// The lowest address of the child's stack, and its size.
    pub stack: u64,
    pub stack_size: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
    pub cgroup: u64,
}

/// The first version of `struct clone_args` (up to `tls`): the least clone3 takes.
pub const CLONE_ARGS_SIZE_VER0: usize = 64;

/// The bytes of the smallest `cpu_set_t` the kernel fills (one `unsigned
/// long`): `sched_getaffinity` returns this length.
pub const CPU_SET_MIN_BYTES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_linux() {
        assert_eq!((CLONE_VM, CLONE_VFORK, CLONE_THREAD, CLONE_SETTLS), (256, 16384, 65536, 524288));
        assert_eq!((CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID), (0x200000, 0x1000000));
        assert_eq!(core::mem::size_of::<CloneArgs>(), 88);
        assert_eq!(core::mem::offset_of!(CloneArgs, tls), 56);
    }
}
