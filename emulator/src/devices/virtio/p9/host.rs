//! The shared host directory, reached only from its root: a guest path is a
//! list of names (no `/`, `.` or `..`) opened one at a time from the root's
//! fd with O_NOFOLLOW, so neither `..` nor a symlink (a host one or one the
//! guest made) leads out of the share. As QEMU's `-virtfs local` with its
//! openat-based "local_open_nofollow".

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// A file inside the share: its directory, opened, and its name in it (`.`
/// for the root itself).
pub struct Loc {
    pub dir: OwnedFd,
    pub name: CString,
}

impl Loc {
    pub fn is_root(&self) -> bool {
        self.name.as_bytes() == b"."
    }
}

/// The errno of the last failed call.
fn last() -> io::Error {
    io::Error::last_os_error()
}

/// Turns a returned fd into an owned one, or the error.
fn owned(fd: RawFd) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(last());
    }
    // SAFETY: a fresh fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A libc return value: an error when negative.
pub fn check(ret: libc::c_int) -> io::Result<()> {
    if ret < 0 {
        Err(last())
    } else {
        Ok(())
    }
}

/// openat(2) of `name` under `dir`, never following a symlink.
pub fn open_at(dir: &OwnedFd, name: &CStr, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
    let flags = flags | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `name` is NUL-terminated; the kernel checks the rest.
    owned(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags, libc::c_uint::from(mode)) })
}

/// The root of a share, open as an O_PATH directory.
pub struct Root {
    fd: OwnedFd,
}

impl Root {
    pub fn open(dir: &std::path::Path) -> io::Result<Root> {
        let path =
            CString::new(dir.as_os_str().as_encoded_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: `path` is NUL-terminated.
        let fd = owned(unsafe { libc::open(path.as_ptr(), libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC) })?;
        Ok(Root { fd })
    }

    fn dup(&self) -> io::Result<OwnedFd> {
        self.fd.try_clone()
    }

    /// The directory `names` leads to, each step a directory that is not a symlink.
    pub fn dir(&self, names: &[CString]) -> io::Result<OwnedFd> {
        let mut fd = self.dup()?;
        for n in names {
            fd = open_at(&fd, n, libc::O_PATH | libc::O_DIRECTORY, 0)?;
        }
        Ok(fd)
    }

    /// Where the file `names` leads to is.
    pub fn locate(&self, names: &[CString]) -> io::Result<Loc> {
        match names.split_last() {
            None => Ok(Loc { dir: self.dup()?, name: c".".into() }),
            Some((last, parent)) => Ok(Loc { dir: self.dir(parent)?, name: last.clone() }),
        }
    }
}

/// fstatat(2) without following a symlink.
pub fn stat_at(loc: &Loc) -> io::Result<libc::stat> {
    // SAFETY: a zeroed stat is a valid value for the kernel to fill.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is writable, the name NUL-terminated.
    check(unsafe { libc::fstatat(loc.dir.as_raw_fd(), loc.name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
    Ok(st)
}

/// fstat(2) of an open file.
pub fn stat_fd(fd: &OwnedFd) -> io::Result<libc::stat> {
    // SAFETY: as in `stat_at`.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is writable.
    check(unsafe { libc::fstat(fd.as_raw_fd(), &mut st) })?;
    Ok(st)
}

/// A name a guest may give one step of a path: not empty, no `/` or NUL,
/// at most NAME_MAX bytes, not `.` or `..` (which walks treat themselves).
pub fn name(bytes: &[u8]) -> Result<CString, i32> {
    if bytes.len() > 255 {
        return Err(libc::ENAMETOOLONG);
    }
    if bytes.is_empty() || bytes == b"." || bytes == b".." || bytes.contains(&b'/') {
        return Err(libc::EINVAL);
    }
    CString::new(bytes).map_err(|_| libc::EINVAL)
}
