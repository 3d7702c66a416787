//! `struct stat` as riscv64 Linux fills it for `fstat` and `newfstatat`
//! (include/uapi/asm-generic/stat.h, 128 bytes) and the file mode bits
//! (include/uapi/linux/stat.h).
#![allow(non_snake_case)]

/// `struct stat` of asm-generic, which riscv64 uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Stat {
    pub st_dev: u64,
    pub st_ino: u64,
    pub st_mode: u32,
    pub st_nlink: u32,
    pub st_uid: u32,
    pub st_gid: u32,
    pub st_rdev: u64,
    pub __pad1: u64,
    pub st_size: i64,
    pub st_blksize: i32,
    pub __pad2: i32,
    pub st_blocks: i64,
    pub st_atime: i64,
    pub st_atime_nsec: u64,
    pub st_mtime: i64,
    pub st_mtime_nsec: u64,
    pub st_ctime: i64,
    pub st_ctime_nsec: u64,
    pub __unused4: u32,
    pub __unused5: u32,
}

/// A time in `struct statx`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct StatxTimestamp {
    pub tv_sec: i64,
    pub tv_nsec: u32,
    pub __reserved: i32,
}

/// `struct statx` (include/uapi/linux/stat.h, Linux 6.1: 256 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Statx {
    pub stx_mask: u32,
    pub stx_blksize: u32,
    pub stx_attributes: u64,
    pub stx_nlink: u32,
    pub stx_uid: u32,
    pub stx_gid: u32,
    pub stx_mode: u16,
    pub __spare0: u16,
    pub stx_ino: u64,
    pub stx_size: u64,
    pub stx_blocks: u64,
    pub stx_attributes_mask: u64,
    pub stx_atime: StatxTimestamp,
    pub stx_btime: StatxTimestamp,
    pub stx_ctime: StatxTimestamp,
    pub stx_mtime: StatxTimestamp,
    pub stx_rdev_major: u32,
    pub stx_rdev_minor: u32,
    pub stx_dev_major: u32,
    pub stx_dev_minor: u32,
    pub stx_mnt_id: u64,
    pub stx_dio_mem_align: u32,
    pub stx_dio_offset_align: u32,
    pub __spare3: [u64; 12],
}

// statx's mask bits: what the caller wants, and what the kernel filled.
pub const STATX_TYPE: u32 = 0x1;
pub const STATX_MODE: u32 = 0x2;
pub const STATX_NLINK: u32 = 0x4;
pub const STATX_UID: u32 = 0x8;
pub const STATX_GID: u32 = 0x10;
pub const STATX_ATIME: u32 = 0x20;
pub const STATX_MTIME: u32 = 0x40;
pub const STATX_CTIME: u32 = 0x80;
pub const STATX_INO: u32 = 0x100;
pub const STATX_SIZE: u32 = 0x200;
pub const STATX_BLOCKS: u32 = 0x400;
/// Everything `struct stat` has.
pub const STATX_BASIC_STATS: u32 = 0x7ff;
pub const STATX_BTIME: u32 = 0x800;
pub const STATX_MNT_ID: u32 = 0x1000;
/// A bit no caller may set (EINVAL).
pub const STATX__RESERVED: u32 = 0x8000_0000;
/// statx's flags beyond the AT_ ones: how hard to sync with a remote file system.
pub const AT_STATX_SYNC_TYPE: u32 = 0x6000;

/// The major and minor numbers of a `dev_t` (Linux's new_decode_dev).
pub const fn dev_major(dev: u64) -> u32 {
    ((dev >> 8) & 0xfff | (dev >> 32) & !0xfff) as u32
}

pub const fn dev_minor(dev: u64) -> u32 {
    (dev & 0xff | (dev >> 12) & !0xff) as u32
}

/// Mask of the file type bits.
pub const S_IFMT: u32 = 0o170000;
pub const S_IFSOCK: u32 = 0o140000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFBLK: u32 = 0o060000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFIFO: u32 = 0o010000;
pub const S_ISUID: u32 = 0o4000;
pub const S_ISGID: u32 = 0o2000;
pub const S_ISVTX: u32 = 0o1000;

pub const fn S_ISREG(mode: u32) -> bool {
    mode & S_IFMT == S_IFREG
}

pub const fn S_ISDIR(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
}

pub const fn S_ISCHR(mode: u32) -> bool {
    mode & S_IFMT == S_IFCHR
}

pub const fn S_ISFIFO(mode: u32) -> bool {
    mode & S_IFMT == S_IFIFO
}

pub const fn S_ISLNK(mode: u32) -> bool {
    mode & S_IFMT == S_IFLNK
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_matches_asm_generic() {
        assert_eq!(size_of::<Stat>(), 128);
        assert_eq!(offset_of!(Stat, st_mode), 16);
        assert_eq!(offset_of!(Stat, st_rdev), 32);
        assert_eq!(offset_of!(Stat, st_size), 48);
        assert_eq!(offset_of!(Stat, st_blksize), 56);
        assert_eq!(offset_of!(Stat, st_blocks), 64);
        assert_eq!(offset_of!(Stat, st_mtime), 88);
        assert_eq!(offset_of!(Stat, __unused4), 120);
    }

    #[test]
    fn statx_layout_matches_linux() {
        assert_eq!(size_of::<Statx>(), 256);
        assert_eq!(offset_of!(Statx, stx_mode), 28);
        assert_eq!(offset_of!(Statx, stx_ino), 32);
        assert_eq!(offset_of!(Statx, stx_atime), 64);
        assert_eq!(offset_of!(Statx, stx_mtime), 112);
        assert_eq!(offset_of!(Statx, stx_rdev_major), 128);
        assert_eq!(offset_of!(Statx, stx_mnt_id), 144);
        assert_eq!((dev_major(0x0801), dev_minor(0x0801)), (8, 1));
        // major 0x1234 and minor 0x56789 both have bits beyond the old
        // 8-bit fields: glibc's gnu_dev_makedev puts them at 32.. and 20...
        assert_eq!((dev_major(0x1000_5672_3489), dev_minor(0x1000_5672_3489)), (0x1234, 0x56789));
    }

    #[test]
    fn mode_bits() {
        assert!(S_ISDIR(0o040755) && !S_ISREG(0o040755));
        assert!(S_ISREG(0o100644) && S_ISCHR(0o020666) && S_ISFIFO(0o010600) && S_ISLNK(0o120777));
    }
}
