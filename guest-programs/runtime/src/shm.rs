//! POSIX shared memory objects, as glibc implements them: files in
//! `/dev/shm` (a tmpfs), opened with `openat` and removed with `unlinkat`;
//! the caller then sizes one with `ftruncate` and maps it `MAP_SHARED`.

use crate::fs::cstring;
use crate::sys;
use alloc::vec::Vec;
use sv39_abi::fcntl::{AT_FDCWD, NAME_MAX, O_CLOEXEC, O_NOFOLLOW};
use sv39_abi::{Errno, SHM_DIR};

/// The file behind shared memory object `name` (`/name`, one component).
fn shm_path(name: &[u8]) -> Result<Vec<u8>, Errno> {
    let base = name.strip_prefix(b"/").unwrap_or(name);
    if base.is_empty() || base == b"." || base == b".." || base.contains(&b'/') {
        return Err(Errno::EINVAL);
    }
    if base.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    let mut path = Vec::from(SHM_DIR.as_bytes());
    path.push(b'/');
    path.extend_from_slice(base);
    Ok(path)
}

/// Opens (with `O_CREAT`, creates) shared memory object `name`; returns its
/// file descriptor.
pub fn shm_open(name: &[u8], oflag: u32, mode: u32) -> Result<i32, Errno> {
    let path = cstring(&shm_path(name)?)?;
    sys::openat(AT_FDCWD, &path, oflag | O_NOFOLLOW | O_CLOEXEC, mode).map(|fd| fd as i32)
}

/// Removes shared memory object `name`; mappings of it stay valid.
pub fn shm_unlink(name: &[u8]) -> Result<(), Errno> {
    let path = cstring(&shm_path(name)?)?;
    sys::unlinkat(AT_FDCWD, &path, 0).map(|_| ())
}
