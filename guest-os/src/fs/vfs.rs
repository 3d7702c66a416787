//! The file layer system calls see: open file descriptions (an object with
//! an offset and flags, shared by dup and fork), the per-process descriptor
//! table, and opening by path over the ramfs, /proc and the 9P shares
//! mounted on ramfs directories (p9fs's mount table, consulted by `locate`).

use super::blockdev;
use super::dev::Device;
use super::p9fs::{self, Fid, SharedFile, Walk};
use super::pipe::PipeEnd;
use super::procfs;
use super::ramfs::{self, Body, Inode};
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
pub use guest_os::fs::path::join;
use guest_os::fs::path::{self, PathError};
use sv39_abi::dirent::{self, DT_BLK, DT_CHR, DT_DIR, DT_FIFO, DT_REG};
use sv39_abi::fcntl::{
    O_ACCMODE, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY,
};
use sv39_abi::stat::{Stat, S_IFBLK, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG};
use sv39_abi::Errno;

/// The most descriptors a process may have open.
pub const MAX_FDS: usize = 64;

/// A directory entry as getdents64 reports it.
#[derive(Clone, Debug)]
pub struct DirEntry {
    pub name: String,
    pub ino: u64,
    pub d_type: u8,
}

/// What an open file refers to.
pub enum FileKind {
    Inode(Inode),
    Pipe(PipeEnd),
    /// A /proc file: its text, made when it was opened.
    ProcText(Vec<u8>),
    /// A /proc directory: its entries, listed when it was opened.
    ProcDir(Vec<DirEntry>),
    /// A file or directory of a 9P share; a directory's offset is the
    /// server's cookie.
    Shared(SharedFile),
}

/// An open file description.
pub struct OpenFile {
    pub kind: FileKind,
    /// O_ACCMODE bits, O_APPEND, O_NONBLOCK.
    pub flags: Cell<u32>,
    pub offset: Cell<u64>,
    /// The absolute path it was opened by (empty for pipes), for *at calls.
    pub path: String,
}

pub type File = Rc<OpenFile>;

/// The components of the absolute, normalized path `abs`.
pub fn components(abs: &str) -> Vec<&str> {
    abs.split('/').filter(|c| !c.is_empty()).collect()
}

/// The components of `path` seen from `cwd`.
pub fn resolve<'a>(cwd: &'a str, path: &'a str) -> Result<Vec<&'a str>, Errno> {
    path::resolve(cwd, path).map_err(|e| match e {
        PathError::Empty => Errno::ENOENT,
        PathError::TooLong => Errno::ENAMETOOLONG,
    })
}

pub fn new_file(kind: FileKind, flags: u32, path: String) -> File {
    Rc::new(OpenFile { kind, flags: Cell::new(flags), offset: Cell::new(0), path })
}

/// The most symbolic links one path walk follows (Linux's MAXSYMLINKS).
const MAXSYMLINKS: usize = 40;

/// Where a path leads: a ramfs or /proc path, or a file of a share.
pub enum Place {
    Local(Vec<String>),
    Shared(Fid),
}

/// Resolves the absolute components `parts` through the mount table; on a
/// share, symbolic links are followed (the last name's if `follow_last`)
/// and may lead out of it. `..` was folded lexically before.
pub fn locate(parts: &[&str], follow_last: bool) -> Result<Place, Errno> {
    let mut path: Vec<String> = parts.iter().map(|s| String::from(*s)).collect();
    for _ in 0..=MAXSYMLINKS {
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        let Some(m) = p9fs::mount_of(&names) else { return Ok(Place::Local(path)) };
        let rest = &names[m.at.len()..];
        let (at, target) = match p9fs::walk(&m, rest, follow_last)? {
            Walk::Found(fid) => return Ok(Place::Shared(fid)),
            Walk::Link { at, target } => (at, target),
        };
        let dir = join(&names[..m.at.len() + at]);
        let mut next: Vec<String> = resolve(&dir, &target)?.into_iter().map(String::from).collect();
        next.extend(rest[at + 1..].iter().map(|s| String::from(*s)));
        path = next;
    }
    Err(Errno::ELOOP)
}

/// The directory holding the last name of `parts`, located, and that name.
pub fn locate_parent<'a>(parts: &[&'a str]) -> Result<(Place, &'a str), Errno> {
    let (name, dir) = parts.split_last().ok_or(Errno::EEXIST)?;
    Ok((locate(dir, true)?, name))
}

fn as_strs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

/// `openat` by absolute components: finds or creates the file.
pub fn open(parts: &[&str], flags: u32, mode: u32) -> Result<File, Errno> {
    if parts.first() == Some(&"proc") {
        return procfs::open(&parts[1..]).map(|k| new_file(k, O_RDONLY, join(parts)));
    }
    match locate(parts, flags & O_NOFOLLOW == 0) {
        Ok(Place::Local(p)) => open_local(&as_strs(&p), flags, mode),
        Ok(Place::Shared(fid)) => open_shared(fid, flags, join(parts)),
        Err(Errno::ENOENT) if flags & O_CREAT != 0 => match locate_parent(parts)? {
            (Place::Shared(dir), name) => {
                let lflags = flags & (O_ACCMODE | O_EXCL | O_TRUNC);
                let f = p9fs::create(&dir, name, lflags | O_CREAT, mode)?;
                Ok(new_file(FileKind::Shared(f), flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), join(parts)))
            }
            (Place::Local(dir), name) => {
                let mut p = as_strs(&dir);
                p.push(name);
                open_local(&p, flags, mode)
            }
        },
        Err(e) => Err(e),
    }
}

/// Opens a file of a share (Tlopen), checked as Linux's open checks.
fn open_shared(fid: Fid, flags: u32, path: String) -> Result<File, Errno> {
    let qid = fid.qid;
    let writing = flags & O_ACCMODE != O_RDONLY;
    if qid.is_symlink() {
        return Err(Errno::ELOOP);
    }
    if flags & O_CREAT != 0 && flags & O_EXCL != 0 {
        return Err(Errno::EEXIST);
    }
    if qid.is_dir() && (writing || flags & O_CREAT != 0) {
        return Err(Errno::EISDIR);
    }
    if flags & O_DIRECTORY != 0 && !qid.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    let lflags = flags & O_ACCMODE | if writing { flags & O_TRUNC } else { 0 };
    let f = p9fs::open(fid, lflags)?;
    Ok(new_file(FileKind::Shared(f), flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), path))
}

/// Opens a ramfs file, created if missing with O_CREAT.
fn open_local(parts: &[&str], flags: u32, mode: u32) -> Result<File, Errno> {
    let inode = match ramfs::lookup(parts) {
        Ok(_) if flags & O_CREAT != 0 && flags & O_EXCL != 0 => return Err(Errno::EEXIST),
        Ok(i) => i,
        Err(Errno::ENOENT) if flags & O_CREAT != 0 => create(parts, mode)?,
        Err(e) => return Err(e),
    };
    let writing = flags & O_ACCMODE != O_RDONLY;
    if inode.is_dir() && (writing || flags & O_CREAT != 0) {
        return Err(Errno::EISDIR);
    }
    if flags & O_DIRECTORY != 0 && !inode.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    if writing && matches!(inode.body, Body::Device(Device::Disk(n)) if blockdev::readonly(n)) {
        return Err(Errno::EROFS);
    }
    if flags & O_TRUNC != 0 && writing && matches!(inode.body, Body::File(_)) {
        ramfs::truncate(&inode, 0)?;
    }
    Ok(new_file(FileKind::Inode(inode), flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), join(parts)))
}

/// The disk whose block-device file is at `parts`; EINVAL for anything
/// else, as swapon(2) answers for what it cannot swap to.
pub fn disk_at(parts: &[&str]) -> Result<usize, Errno> {
    match ramfs::lookup(parts)?.body {
        Body::Device(Device::Disk(n)) => Ok(n),
        _ => Err(Errno::EINVAL),
    }
}

/// Splits `parts` into its parent directory and last name.
pub fn parent_of<'a>(parts: &[&'a str]) -> Result<(Inode, &'a str), Errno> {
    let (name, dir) = parts.split_last().ok_or(Errno::EEXIST)?;
    if dir.first() == Some(&"proc") {
        return Err(Errno::EACCES);
    }
    Ok((ramfs::lookup(dir)?, name))
}

fn create(parts: &[&str], mode: u32) -> Result<Inode, Errno> {
    let (dir, name) = parent_of(parts)?;
    let inode = ramfs::new_file(mode & 0o7777)?;
    dir.link(name, Rc::clone(&inode))?;
    Ok(inode)
}

/// `mkdirat` by absolute components.
pub fn mkdir(parts: &[&str], mode: u32) -> Result<(), Errno> {
    match locate_parent(parts)? {
        (Place::Shared(dir), name) => p9fs::mkdir(&dir, name, mode),
        (Place::Local(dir), name) => ramfs_parent(&dir)?.link(name, ramfs::new_dir(mode & 0o7777)?),
    }
}

/// The ramfs directory at `dir` (not under /proc).
fn ramfs_parent(dir: &[String]) -> Result<Inode, Errno> {
    if dir.first().map(String::as_str) == Some("proc") {
        return Err(Errno::EACCES);
    }
    ramfs::lookup(&as_strs(dir))
}

/// `unlinkat` by absolute components (`dir` for AT_REMOVEDIR).
pub fn unlink(parts: &[&str], dir: bool) -> Result<(), Errno> {
    if parts.is_empty() || p9fs::is_mount_point(parts) {
        return Err(Errno::EBUSY);
    }
    match locate_parent(parts)? {
        (Place::Shared(parent), name) => p9fs::unlink(&parent, name, dir),
        (Place::Local(parent), name) => ramfs_parent(&parent)?.unlink(name, dir),
    }
}

/// `stat` of the file at `parts`, symbolic links followed.
pub fn stat_path(parts: &[&str]) -> Result<Stat, Errno> {
    stat_located(parts, true)
}

/// `lstat`: a symbolic link itself.
pub fn lstat_path(parts: &[&str]) -> Result<Stat, Errno> {
    stat_located(parts, false)
}

fn stat_located(parts: &[&str], follow: bool) -> Result<Stat, Errno> {
    if parts.first() == Some(&"proc") {
        return procfs::open(&parts[1..]).and_then(|k| stat_of(&new_file(k, O_RDONLY, String::new())));
    }
    match locate(parts, follow)? {
        Place::Shared(fid) => p9fs::stat(&fid),
        Place::Local(p) => Ok(stat_inode(&ramfs::lookup(&as_strs(&p))?)),
    }
}

fn stat_inode(inode: &Inode) -> Stat {
    let size = inode.size();
    let rdev = match &inode.body {
        Body::Device(d) => d.rdev(),
        _ => 0,
    };
    Stat {
        st_dev: 1,
        st_ino: inode.ino,
        st_mode: inode.mode,
        st_nlink: inode.nlink.get().max(1),
        st_rdev: rdev,
        st_size: size as i64,
        st_blksize: 4096,
        st_blocks: size.div_ceil(512) as i64,
        ..Stat::default()
    }
}

/// `fstat` of an open file.
pub fn stat_of(file: &OpenFile) -> Result<Stat, Errno> {
    let (mode, size) = match &file.kind {
        FileKind::Inode(i) => return Ok(stat_inode(i)),
        FileKind::Shared(f) => return f.stat(),
        FileKind::Pipe(p) => (S_IFIFO | 0o600, p.len() as u64),
        FileKind::ProcText(_) => (S_IFREG | 0o444, 0),
        FileKind::ProcDir(_) => (S_IFDIR | 0o555, 0),
    };
    Ok(Stat { st_dev: 2, st_mode: mode, st_nlink: 1, st_size: size as i64, st_blksize: 4096, ..Stat::default() })
}

fn d_type(mode: u32) -> u8 {
    match mode & S_IFMT {
        S_IFDIR => DT_DIR,
        S_IFREG => DT_REG,
        S_IFIFO => DT_FIFO,
        S_IFBLK => DT_BLK,
        _ => DT_CHR,
    }
}

/// The entries of a ramfs directory, `.` and `..` first.
fn dir_entries(dir: &Inode) -> Result<Vec<DirEntry>, Errno> {
    let mut out = alloc::vec![
        DirEntry { name: String::from("."), ino: dir.ino, d_type: DT_DIR },
        DirEntry { name: String::from(".."), ino: dir.ino, d_type: DT_DIR },
    ];
    for (name, inode) in dir.list()? {
        out.push(DirEntry { name, ino: inode.ino, d_type: d_type(inode.mode) });
    }
    Ok(out)
}

impl OpenFile {
    pub fn readable(&self) -> bool {
        self.flags.get() & O_ACCMODE != O_WRONLY
    }

    pub fn writable(&self) -> bool {
        self.flags.get() & O_ACCMODE != O_RDONLY
    }

    fn nonblock(&self) -> bool {
        self.flags.get() & O_NONBLOCK != 0
    }

    /// Reads at the file offset, advancing it.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        let off = self.offset.get();
        let n = match &self.kind {
            FileKind::Inode(i) => match &i.body {
                Body::File(f) => f.borrow_mut().read_at(off, buf).map_err(|e| ramfs::cache_errno(e, false))?,
                Body::Device(d) if d.seekable() => d.read(off, buf, self.nonblock())?,
                Body::Device(d) => return d.read(off, buf, self.nonblock()),
                Body::Dir(_) => return Err(Errno::EISDIR),
            },
            FileKind::Pipe(p) => return p.read(buf, self.nonblock()),
            FileKind::ProcText(text) => {
                let start = (off as usize).min(text.len());
                let n = buf.len().min(text.len() - start);
                buf[..n].copy_from_slice(&text[start..start + n]);
                n
            }
            FileKind::ProcDir(_) => return Err(Errno::EISDIR),
            FileKind::Shared(f) if f.is_dir() => return Err(Errno::EISDIR),
            FileKind::Shared(f) => f.read_at(off, buf)?,
        };
        self.offset.set(off + n as u64);
        Ok(n)
    }

    /// Writes at the file offset (at the end with O_APPEND), advancing it.
    pub fn write(&self, data: &[u8]) -> Result<usize, Errno> {
        if !self.writable() {
            return Err(Errno::EBADF);
        }
        match &self.kind {
            FileKind::Inode(i) => match &i.body {
                Body::File(f) => {
                    let mut f = f.borrow_mut();
                    let off = if self.flags.get() & O_APPEND != 0 { f.size() } else { self.offset.get() };
                    let n = f.write_at(off, data).map_err(|e| ramfs::cache_errno(e, true))?;
                    self.offset.set(off + n as u64);
                    Ok(n)
                }
                Body::Device(d) if d.seekable() => {
                    let off = self.offset.get();
                    let n = d.write(off, data)?;
                    self.offset.set(off + n as u64);
                    Ok(n)
                }
                Body::Device(d) => d.write(0, data),
                Body::Dir(_) => Err(Errno::EISDIR),
            },
            FileKind::Pipe(p) => p.write(data, self.nonblock()),
            FileKind::ProcText(_) | FileKind::ProcDir(_) => Err(Errno::EBADF),
            FileKind::Shared(f) => {
                let off = if self.flags.get() & O_APPEND != 0 { f.size()? } else { self.offset.get() };
                let n = f.write_at(off, data)?;
                self.offset.set(off + n as u64);
                Ok(n)
            }
        }
    }

    /// `lseek`: the new offset.
    pub fn seek(&self, offset: i64, whence: u32) -> Result<u64, Errno> {
        let size = match &self.kind {
            FileKind::Inode(i) if let Body::Device(Device::Disk(d)) = i.body => blockdev::capacity(d),
            FileKind::Inode(i) if matches!(i.body, Body::Device(_)) => return Ok(0),
            FileKind::Inode(i) => i.size(),
            FileKind::Pipe(_) => return Err(Errno::ESPIPE),
            FileKind::ProcText(t) => t.len() as u64,
            FileKind::ProcDir(d) => d.len() as u64,
            // A directory's offset is a cookie: only the start can be sought.
            FileKind::Shared(f) if f.is_dir() => return self.seek_dir_start(offset, whence),
            FileKind::Shared(f) if whence == sv39_abi::fcntl::SEEK_END => f.size()?,
            FileKind::Shared(_) => 0,
        };
        let base = match whence {
            sv39_abi::fcntl::SEEK_SET => 0,
            sv39_abi::fcntl::SEEK_CUR => self.offset.get() as i64,
            sv39_abi::fcntl::SEEK_END => size as i64,
            _ => return Err(Errno::EINVAL),
        };
        let new = base.checked_add(offset).filter(|&n| n >= 0).ok_or(Errno::EINVAL)?;
        self.offset.set(new as u64);
        Ok(new as u64)
    }

    /// lseek of a share's directory: back to its start, or where it is.
    fn seek_dir_start(&self, offset: i64, whence: u32) -> Result<u64, Errno> {
        match (whence, offset) {
            (sv39_abi::fcntl::SEEK_SET, 0) => {
                self.offset.set(0);
                Ok(0)
            }
            (sv39_abi::fcntl::SEEK_CUR, 0) => Ok(self.offset.get()),
            _ => Err(Errno::EINVAL),
        }
    }

    /// fsync: a disk's write cache to the medium, a share's file to the host's.
    pub fn sync(&self) -> Result<(), Errno> {
        match &self.kind {
            FileKind::Shared(f) => f.sync(),
            FileKind::Inode(i) if let Body::Device(Device::Disk(d)) = i.body => blockdev::flush(d),
            FileKind::Pipe(_) => Err(Errno::EINVAL),
            _ => Ok(()),
        }
    }

    /// `getdents64` into `buf`; the offset counts entries.
    pub fn getdents(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        let entries = match &self.kind {
            FileKind::Shared(f) if f.is_dir() => return self.getdents_shared(f, buf),
            FileKind::Inode(i) => dir_entries(i)?,
            FileKind::ProcDir(d) => d.clone(),
            _ => return Err(Errno::ENOTDIR),
        };
        let mut used = 0;
        let mut index = self.offset.get() as usize;
        while let Some(e) = entries.get(index) {
            match dirent::put(&mut buf[used..], e.ino, index as i64 + 1, e.d_type, e.name.as_bytes()) {
                Some(n) => used += n,
                None if used == 0 => return Err(Errno::EINVAL),
                None => break,
            }
            index += 1;
        }
        self.offset.set(index as u64);
        Ok(used)
    }

    /// getdents64 of a share's directory: Treaddir from the offset cookie;
    /// entries that do not fit are read again by the next call.
    fn getdents_shared(&self, f: &SharedFile, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut used = 0;
        let mut offset = self.offset.get();
        loop {
            let entries = f.readdir(offset, buf.len() - used)?;
            if entries.is_empty() {
                break;
            }
            for e in &entries {
                match dirent::put(&mut buf[used..], e.qid.path, e.offset as i64, e.kind, e.name.as_bytes()) {
                    Some(n) => used += n,
                    None if used == 0 => return Err(Errno::EINVAL),
                    None => {
                        self.offset.set(offset);
                        return Ok(used);
                    }
                }
                offset = e.offset;
            }
        }
        self.offset.set(offset);
        Ok(used)
    }

    /// For ppoll: (readable now, writable now).
    pub fn poll(&self) -> (bool, bool) {
        match &self.kind {
            FileKind::Pipe(p) if p.is_write_end() => (false, p.ready()),
            FileKind::Pipe(p) => (p.ready(), false),
            FileKind::Inode(i) => match &i.body {
                Body::Device(d) => (d.readable(), true),
                _ => (true, true),
            },
            FileKind::Shared(_) => (true, true),
            _ => (true, false),
        }
    }

    /// Whether this is a terminal (for the terminal ioctls).
    pub fn is_terminal(&self) -> bool {
        matches!(&self.kind, FileKind::Inode(i) if matches!(i.body, Body::Device(d) if d.is_terminal()))
    }
}

/// One descriptor: the open file and its close-on-exec flag.
#[derive(Clone)]
pub struct Fd {
    pub file: File,
    pub cloexec: bool,
}

/// A process's descriptors.
#[derive(Clone, Default)]
pub struct FdTable {
    fds: Vec<Option<Fd>>,
}

impl FdTable {
    pub fn get(&self, fd: i32) -> Result<File, Errno> {
        let slot = usize::try_from(fd).ok().and_then(|i| self.fds.get(i));
        slot.and_then(|s| s.as_ref()).map(|d| Rc::clone(&d.file)).ok_or(Errno::EBADF)
    }

    /// Installs `fd` at the lowest free number at or above `min` (EMFILE).
    pub fn insert_from(&mut self, min: usize, fd: Fd) -> Result<i32, Errno> {
        let free = (min..MAX_FDS).find(|&i| self.fds.get(i).is_none_or(|s| s.is_none())).ok_or(Errno::EMFILE)?;
        self.set(free, fd)
    }

    pub fn insert(&mut self, fd: Fd) -> Result<i32, Errno> {
        self.insert_from(0, fd)
    }

    /// Puts `fd` at number `n`; returns what was there, to drop outside.
    pub fn replace(&mut self, n: usize, fd: Fd) -> Result<Option<Fd>, Errno> {
        if n >= MAX_FDS {
            return Err(Errno::EBADF);
        }
        if self.fds.len() <= n {
            self.fds.resize(n + 1, None);
        }
        Ok(self.fds[n].replace(fd))
    }

    fn set(&mut self, n: usize, fd: Fd) -> Result<i32, Errno> {
        self.replace(n, fd)?;
        Ok(n as i32)
    }

    /// Removes descriptor `fd`; returns it, to be dropped outside any borrow.
    pub fn remove(&mut self, fd: i32) -> Result<Fd, Errno> {
        let slot = usize::try_from(fd).ok().and_then(|i| self.fds.get_mut(i));
        slot.and_then(|s| s.take()).ok_or(Errno::EBADF)
    }

    pub fn set_cloexec(&mut self, fd: i32, on: bool) -> Result<(), Errno> {
        let slot = usize::try_from(fd).ok().and_then(|i| self.fds.get_mut(i));
        let d = slot.and_then(|s| s.as_mut()).ok_or(Errno::EBADF)?;
        d.cloexec = on;
        Ok(())
    }

    pub fn cloexec(&self, fd: i32) -> Result<bool, Errno> {
        let slot = usize::try_from(fd).ok().and_then(|i| self.fds.get(i));
        slot.and_then(|s| s.as_ref()).map(|d| d.cloexec).ok_or(Errno::EBADF)
    }

    /// Takes out the close-on-exec descriptors (exec drops them).
    pub fn take_cloexec(&mut self) -> Vec<Fd> {
        self.fds.iter_mut().filter(|s| s.as_ref().is_some_and(|d| d.cloexec)).filter_map(|s| s.take()).collect()
    }
}
