//! The user ABI of the sv39 guest kernel: Linux riscv64's, defined once here
//! for the kernel (guest-os/), the user runtime (guest-programs/runtime) and
//! the emulator's system-call tracer.
//!
//! Numbers and layouts are Linux's (asm-generic, as riscv64 uses it); each
//! module names the uapi header it follows, and its tests pin the values.
//! A syscall returns a value or `-errno`; [`Errno::from_ret`] tells them
//! apart.
//!
//! The conventions between `sv39 run`, the kernel and init that Linux does not
//! fix are written down here too:
//! - the command line and who runs what: [`bootargs`];
//! - powering off with the program's status: [`reboot`];
//! - the /proc files the kernel provides: [`procfs`];
//! - the initramfs: a cpio "newc" archive placed as QEMU 7.2 places
//!   `-initrd` (RAM base + min(RAM size / 2, 128 MiB)) and named by
//!   `/chosen/linux,initrd-start` and `linux,initrd-end` (end exclusive);
//! - POSIX shared memory objects are files in [`SHM_DIR`], as glibc keeps them.
#![cfg_attr(not(test), no_std)]

pub mod auxv;
pub mod bootargs;
pub mod dirent;
pub mod errno;
pub mod fcntl;
pub mod futex;
pub mod ioctl;
pub mod mman;
pub mod poll;
pub mod prctl;
pub mod procfs;
pub mod random;
pub mod reboot;
pub mod resource;
pub mod sched;
pub mod signal;
pub mod stat;
pub mod syscall;
pub mod sysinfo;
pub mod termios;
pub mod time;
pub mod uio;
pub mod utsname;
pub mod wait;

pub use errno::{errno_name, Errno};
pub use syscall::syscall_name;

/// The directory of POSIX shared memory objects (`shm_open` opens files here).
pub const SHM_DIR: &str = "/dev/shm";
