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
    fn mode_bits() {
        assert!(S_ISDIR(0o040755) && !S_ISREG(0o040755));
        assert!(S_ISREG(0o100644) && S_ISCHR(0o020666) && S_ISFIFO(0o010600) && S_ISLNK(0o120777));
    }
}
