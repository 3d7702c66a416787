//! swapon(2) and swapoff(2): swap on a block device (`mkswap`ed), as
//! Linux's; a regular file is refused with EINVAL (Linux swaps to files
//! too; this kernel does not yet).

use super::fs::at_path;
use super::SysResult;
use crate::fs::vfs;
use crate::mm::swap;
use sv39_abi::fcntl::AT_FDCWD;

pub fn swapon(path: u64, flags: u32) -> SysResult {
    let abs = at_path(AT_FDCWD, path)?;
    let disk = vfs::disk_at(&vfs::components(&abs))?;
    swap::swapon(disk, &abs, flags).map(|_| 0)
}

pub fn swapoff(path: u64) -> SysResult {
    let abs = at_path(AT_FDCWD, path)?;
    let disk = vfs::disk_at(&vfs::components(&abs))?;
    swap::swapoff(disk).map(|_| 0)
}
