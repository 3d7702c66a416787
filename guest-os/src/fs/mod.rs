//! The file system: the ramfs tree unpacked from the initramfs, device
//! nodes, pipes, /proc, and the VFS layer over them. The cpio reader and path
//! handling are portable and live in the library.

pub mod blockdev;
pub mod dev;
pub mod p9fs;
pub mod pipe;
pub mod procfs;
pub mod ramfs;
pub mod vfs;

pub use guest_os::fs::{cpio, p9_wire};

use dev::Device;
use sv39_abi::stat::{S_IFDIR, S_IFMT};
use sv39_abi::Errno;

/// Why the initramfs could not be unpacked.
pub enum UnpackError {
    Archive(cpio::CpioError),
    /// A file could not be stored (no memory, or a bad path).
    Store(alloc::string::String, Errno),
}

impl core::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            UnpackError::Archive(e) => write!(f, "{e:?}"),
            UnpackError::Store(name, e) => write!(f, "{name}: {}", e.description()),
        }
    }
}

/// Unpacks a newc archive into the ramfs; returns the number of entries.
/// Files keep their bytes in the archive, which must stay in memory: their
/// pages are read from it when first wanted.
pub fn unpack(archive: &'static [u8]) -> Result<usize, UnpackError> {
    let mut count = 0;
    for entry in cpio::Reader::new(archive) {
        let e = entry.map_err(UnpackError::Archive)?;
        if !e.name.is_empty() {
            store(&e).map_err(|err| UnpackError::Store(alloc::string::String::from(e.name), err))?;
            count += 1;
        }
    }
    Ok(count)
}

/// Stores one archive member (symlinks and special files as regular files).
fn store(e: &cpio::Entry<'static>) -> Result<(), Errno> {
    let parts = vfs::resolve("/", e.name)?;
    if parts.is_empty() {
        return Ok(());
    }
    if e.mode & S_IFMT == S_IFDIR {
        return match vfs::mkdir(&parts, e.mode) {
            Err(Errno::EEXIST) => Ok(()),
            r => r,
        };
    }
    let (dir, name) = vfs::parent_of(&parts)?;
    if e.data.len() as u64 > guest_os::mm::page_cache::MAX_FILE_SIZE {
        return Err(Errno::EFBIG);
    }
    dir.link(name, ramfs::new_stored_file(e.mode & 0o7777, e.data)?)
}

/// sync(2): flushes every disk (errors are not reported, as Linux's sync).
pub fn sync_all() {
    for n in 0..crate::drivers::virtio::blk::count() {
        let _ = blockdev::flush(n);
    }
}

/// Adds /dev (console, vport0p0 and vport0p1 for the streams as bytes, null, zero, the disks vdX,
/// shm), /tmp and /proc where missing.
pub fn add_standard_nodes() -> Result<(), Errno> {
    for dir in ["/dev", "/dev/shm", "/tmp", "/proc"] {
        let parts = vfs::resolve("/", dir)?;
        match vfs::mkdir(&parts, if dir == "/tmp" || dir == "/dev/shm" { 0o1777 } else { 0o755 }) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(e),
        }
    }
    let dev = ramfs::lookup(&["dev"])?;
    for (name, d) in [("console", Device::Console), ("null", Device::Null), ("zero", Device::Zero)] {
        if dev.child(name).is_err() {
            dev.link(name, ramfs::new_device(d)?)?;
        }
    }
    if crate::console::stdio_on_port() && dev.child("vport0p0").is_err() {
        dev.link("vport0p0", ramfs::new_device(Device::Stdio)?)?;
    }
    if crate::console::has_stderr_port() && dev.child("vport0p1").is_err() {
        dev.link("vport0p1", ramfs::new_device(Device::Stderr)?)?;
    }
    for n in 0..crate::drivers::virtio::blk::count() {
        let name = alloc::format!("vd{}", crate::drivers::disk_letter(n));
        if dev.child(&name).is_err() {
            dev.link(&name, ramfs::new_device(Device::Disk(n))?)?;
        }
    }
    Ok(())
}
