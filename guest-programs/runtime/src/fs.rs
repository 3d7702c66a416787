//! Files by path: C-string conversion, an owned descriptor that closes on
//! drop, whole-file reads and directory listings.

use crate::sys;
use alloc::ffi::CString;
use alloc::vec::Vec;
use sv39_abi::dirent::{Dirent64, Records};
use sv39_abi::fcntl::{AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_RDONLY};
use sv39_abi::stat::Stat;
use sv39_abi::Errno;

/// `bytes` as a C string; `EINVAL` if it holds a NUL.
pub fn cstring(bytes: &[u8]) -> Result<CString, Errno> {
    CString::new(bytes).map_err(|_| Errno::EINVAL)
}

/// An open file descriptor, closed when dropped.
#[derive(Debug)]
pub struct Fd(i32);

impl Fd {
    /// `openat(AT_FDCWD, path, flags, mode)`.
    pub fn open(path: &[u8], flags: u32, mode: u32) -> Result<Fd, Errno> {
        let fd = sys::openat(AT_FDCWD, &cstring(path)?, flags, mode)?;
        Ok(Fd(fd as i32))
    }

    /// Takes ownership of an open descriptor (from `shm_open`, `dup`, ...).
    pub fn from_raw(fd: i32) -> Fd {
        Fd(fd)
    }

    pub fn raw(&self) -> i32 {
        self.0
    }

    /// Gives up ownership: the descriptor stays open.
    pub fn into_raw(self) -> i32 {
        let fd = self.0;
        core::mem::forget(self);
        fd
    }

    /// Everything from the current offset to end of file.
    pub fn read_to_end(&self) -> Result<Vec<u8>, Errno> {
        let mut data = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match sys::read(self.0, &mut chunk) {
                Ok(0) => return Ok(data),
                Ok(n) => data.extend_from_slice(&chunk[..n]),
                Err(Errno::EINTR) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        let _ = sys::close(self.0);
    }
}

/// The whole contents of the file at `path`.
pub fn read_file(path: &[u8]) -> Result<Vec<u8>, Errno> {
    Fd::open(path, O_RDONLY | O_CLOEXEC, 0)?.read_to_end()
}

/// `newfstatat(AT_FDCWD, path, 0)`.
pub fn stat(path: &[u8]) -> Result<Stat, Errno> {
    sys::newfstatat(AT_FDCWD, &cstring(path)?, 0)
}

/// The entries of the directory at `path` (with `.` and `..`), in the order
/// the kernel gives them.
pub fn read_dir(path: &[u8]) -> Result<Vec<(Dirent64, Vec<u8>)>, Errno> {
    let dir = Fd::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)?;
    let mut entries = Vec::new();
    let mut buf = alloc::vec![0u8; 4096];
    loop {
        let n = sys::getdents64(dir.raw(), &mut buf)?;
        if n == 0 {
            return Ok(entries);
        }
        entries.extend(Records::new(&buf[..n]).map(|(d, name)| (d, name.to_vec())));
    }
}
