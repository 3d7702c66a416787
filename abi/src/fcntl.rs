//! File flags and `*at` conventions (include/uapi/asm-generic/fcntl.h,
//! include/uapi/linux/fcntl.h, include/uapi/linux/fs.h): `openat` flags,
//! `fcntl` commands, `AT_*` path flags and `lseek` whence values.

/// Mask of the access mode: `O_RDONLY`, `O_WRONLY` or `O_RDWR`.
pub const O_ACCMODE: u32 = 0o3;
pub const O_RDONLY: u32 = 0o0;
pub const O_WRONLY: u32 = 0o1;
pub const O_RDWR: u32 = 0o2;
pub const O_CREAT: u32 = 0o100;
pub const O_EXCL: u32 = 0o200;
pub const O_NOCTTY: u32 = 0o400;
pub const O_TRUNC: u32 = 0o1000;
pub const O_APPEND: u32 = 0o2000;
pub const O_NONBLOCK: u32 = 0o4000;
pub const O_DSYNC: u32 = 0o10000;
pub const O_ASYNC: u32 = 0o20000;
pub const O_DIRECT: u32 = 0o40000;
pub const O_LARGEFILE: u32 = 0o100000;
pub const O_DIRECTORY: u32 = 0o200000;
pub const O_NOFOLLOW: u32 = 0o400000;
pub const O_NOATIME: u32 = 0o1000000;
pub const O_CLOEXEC: u32 = 0o2000000;
pub const O_SYNC: u32 = 0o4000000 | O_DSYNC;
pub const O_PATH: u32 = 0o10000000;
pub const O_TMPFILE: u32 = 0o20000000 | O_DIRECTORY;

/// The directory file descriptor meaning "the current working directory".
pub const AT_FDCWD: i32 = -100;
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
/// `unlinkat`: remove a directory (as `rmdir`).
pub const AT_REMOVEDIR: u32 = 0x200;
/// `faccessat`: check with the effective ids.
pub const AT_EACCESS: u32 = 0x200;
pub const AT_SYMLINK_FOLLOW: u32 = 0x400;
pub const AT_NO_AUTOMOUNT: u32 = 0x800;
/// `newfstatat` and friends: operate on the descriptor itself when the path is "".
pub const AT_EMPTY_PATH: u32 = 0x1000;

pub const F_DUPFD: u32 = 0;
pub const F_GETFD: u32 = 1;
pub const F_SETFD: u32 = 2;
pub const F_GETFL: u32 = 3;
pub const F_SETFL: u32 = 4;
pub const F_DUPFD_CLOEXEC: u32 = 1030;
/// The only descriptor flag: close on `execve`.
pub const FD_CLOEXEC: u32 = 1;

pub const SEEK_SET: u32 = 0;
pub const SEEK_CUR: u32 = 1;
pub const SEEK_END: u32 = 2;
pub const SEEK_DATA: u32 = 3;
pub const SEEK_HOLE: u32 = 4;

/// The longest path the kernel accepts, terminating NUL included (linux/limits.h).
pub const PATH_MAX: usize = 4096;
/// The longest file name (one path component).
pub const NAME_MAX: usize = 255;

/// `renameat2` flags.
pub const RENAME_NOREPLACE: u32 = 1 << 0;
pub const RENAME_EXCHANGE: u32 = 1 << 1;
pub const RENAME_WHITEOUT: u32 = 1 << 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_asm_generic() {
        assert_eq!((O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK), (64, 128, 512, 1024, 2048));
        assert_eq!((O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_SYNC, O_PATH), (65536, 131072, 524288, 1052672, 2097152));
        assert_eq!(O_TMPFILE, 4259840);
        assert_eq!((AT_FDCWD, AT_REMOVEDIR, AT_EMPTY_PATH), (-100, 512, 4096));
        assert_eq!(F_DUPFD_CLOEXEC, 1030);
    }
}
