//! The 9P2000.L client: host directories shared through virtio-9p, mounted
//! in the VFS at the directories `share=TAG:GUESTDIR` names. A mount is a
//! root fid attached at boot; every path walks from it (Twalk), each open
//! file holds a fid of its own (Tlopen, Tlcreate), and the server's answers
//! are passed through (its Rlerror errno, EROFS on a read-only share). No
//! data is cached: reads and writes go to the server, as Linux's 9p with
//! `cache=none` (mmap and exec take a private copy, `snapshot`).
//!
//! A fid is given back (Tclunk) when its `Fid` is dropped: the clunk waits
//! for the mount's next request, so dropping never sleeps.

use super::p9_wire::{self as wire, Attr, Dirent, Qid, ReplyError, IOHDRSZ, MAXWELEM};
use super::ramfs::{self, Body, Inode};
use crate::drivers::virtio::p9::{self as device, MSIZE};
use crate::sync::Global;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;
use sv39_abi::stat::Stat;
use sv39_abi::Errno;

/// One request is in flight per device, so one tag serves them all.
const TAG: u16 = 1;
/// The root fid of every mount.
const ROOT_FID: u32 = 0;
/// st_dev of the first share (minor numbers of major 0, as Linux's
/// anonymous devices).
const FIRST_DEV: u64 = 32;

pub struct Mount {
    /// The mount point's components.
    pub at: Vec<String>,
    device: usize,
    msize: u32,
    root: Qid,
    st_dev: u64,
    fids: RefCell<FidPool>,
}

#[derive(Default)]
struct FidPool {
    next: u32,
    free: Vec<u32>,
    to_clunk: Vec<u32>,
}

static MOUNTS: Global<Vec<Rc<Mount>>> = Global::new(Vec::new());

/// A fid on the server and what it names.
pub struct Fid {
    pub mount: Rc<Mount>,
    id: u32,
    pub qid: Qid,
}

impl Drop for Fid {
    fn drop(&mut self) {
        self.mount.fids.borrow_mut().to_clunk.push(self.id);
    }
}

fn errno(e: ReplyError) -> Errno {
    match e {
        ReplyError::Server(n) => Errno::new(n as usize).unwrap_or(Errno::EIO),
        ReplyError::Malformed => Errno::EIO,
    }
}

/// Mounts the share of the 9p device tagged `tag` at `at` (the directory
/// must exist): Tversion, then Tattach of the root fid.
pub fn mount(tag: &str, at: Vec<String>) -> Result<(), Errno> {
    let device = device::find(tag).ok_or(Errno::ENODEV)?;
    let (msize, version) = device::rpc(device, wire::tversion(MSIZE), wire::rversion)?.map_err(errno)?;
    if version != wire::VERSION || msize < 4096 || msize > MSIZE {
        return Err(Errno::EPROTONOSUPPORT);
    }
    let attach = wire::tattach(TAG, ROOT_FID, "root", "", 0);
    let root = device::rpc(device, attach, |r| wire::rqid(r, wire::TATTACH, TAG))?.map_err(errno)?;
    if !root.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    let mut mounts = MOUNTS.borrow_mut();
    let st_dev = FIRST_DEV + mounts.len() as u64;
    let fids = RefCell::new(FidPool { next: ROOT_FID + 1, ..FidPool::default() });
    mounts.push(Rc::new(Mount { at, device, msize, root, st_dev, fids }));
    Ok(())
}

/// The mount whose mount point is the longest prefix of `parts`.
pub fn mount_of(parts: &[&str]) -> Option<Rc<Mount>> {
    let mounts = MOUNTS.borrow();
    let covers = |m: &&Rc<Mount>| m.at.len() <= parts.len() && m.at.iter().zip(parts).all(|(a, b)| a == b);
    mounts.iter().filter(covers).max_by_key(|m| m.at.len()).cloned()
}

/// Whether `parts` is a mount point.
pub fn is_mount_point(parts: &[&str]) -> bool {
    mount_of(parts).is_some_and(|m| m.at.len() == parts.len())
}

impl Mount {
    /// Sends `msg` (after the clunks pending) and parses the reply.
    fn call<R>(&self, msg: Vec<u8>, parse: impl FnOnce(&[u8]) -> Result<R, ReplyError>) -> Result<R, Errno> {
        self.clunk_pending();
        device::rpc(self.device, msg, parse)?.map_err(errno)
    }

    fn clunk_pending(&self) {
        let pending = core::mem::take(&mut self.fids.borrow_mut().to_clunk);
        for id in pending {
            // A clunk the server refuses still ends the fid (9P: Tclunk).
            let _ = device::rpc(self.device, wire::tclunk(TAG, id), |r| wire::rempty(r, wire::TCLUNK, TAG));
            self.fids.borrow_mut().free.push(id);
        }
    }

    fn new_fid(&self) -> u32 {
        let mut pool = self.fids.borrow_mut();
        pool.free.pop().unwrap_or_else(|| {
            pool.next += 1;
            pool.next - 1
        })
    }

    /// The most data one Tread or Twrite carries.
    fn max_io(&self, iounit: u32) -> usize {
        let by_msize = self.msize as usize - IOHDRSZ;
        if iounit == 0 { by_msize } else { by_msize.min(iounit as usize) }
    }
}

/// Walks `names` from fid `from` to a new fid; the qids of the names
/// walked. Fewer qids than names (and no new fid) when one was missing.
fn walk_from(m: &Rc<Mount>, from: u32, names: &[&str]) -> Result<(Option<Fid>, Vec<Qid>), Errno> {
    let id = m.new_fid();
    let qids = match m.call(wire::twalk(TAG, from, id, names), |r| wire::rwalk(r, TAG, names.len())) {
        Ok(q) => q,
        Err(e) => {
            m.fids.borrow_mut().free.push(id);
            return Err(e);
        }
    };
    if qids.len() < names.len() {
        m.fids.borrow_mut().free.push(id);
        return Ok((None, qids));
    }
    let qid = qids.last().copied().unwrap_or(m.root);
    Ok((Some(Fid { mount: Rc::clone(m), id, qid }), qids))
}

/// Where a walk ended.
pub enum Walk {
    Found(Fid),
    /// Name `at` is a symbolic link to `target`, to be followed.
    Link { at: usize, target: String },
}

/// Walks `names` from the root of `m`, stopping at a symbolic link (the
/// last name's only if `follow_last`), as Linux's path walk does.
pub fn walk(m: &Rc<Mount>, names: &[&str], follow_last: bool) -> Result<Walk, Errno> {
    let mut at: Option<Fid> = None;
    let mut walked = 0;
    for chunk in names.chunks(MAXWELEM) {
        let from = at.as_ref().map_or(ROOT_FID, |f| f.id);
        let (fid, qids) = walk_from(m, from, chunk)?;
        for (i, q) in qids.iter().enumerate() {
            let index = walked + i;
            if q.is_symlink() && (index + 1 < names.len() || follow_last) {
                return link_at(m, names, index);
            }
        }
        let Some(fid) = fid else {
            // The server stopped after the last name it found.
            let last = qids.last().copied().unwrap_or(m.root);
            return Err(if last.is_dir() { Errno::ENOENT } else { Errno::ENOTDIR });
        };
        walked += chunk.len();
        at = Some(fid);
    }
    match at {
        Some(fid) => Ok(Walk::Found(fid)),
        None => walk_from(m, ROOT_FID, &[])?.0.map(Walk::Found).ok_or(Errno::EIO),
    }
}

/// The symbolic link at `names[at]`: its target.
fn link_at(m: &Rc<Mount>, names: &[&str], at: usize) -> Result<Walk, Errno> {
    match walk(m, &names[..=at], false)? {
        Walk::Found(fid) => Ok(Walk::Link { at, target: readlink(&fid)? }),
        link => Ok(link),
    }
}

/// Treadlink.
pub fn readlink(fid: &Fid) -> Result<String, Errno> {
    if !fid.qid.is_symlink() {
        return Err(Errno::EINVAL);
    }
    fid.mount.call(wire::treadlink(TAG, fid.id), |r| wire::rreadlink(r, TAG))
}

/// Tgetattr as `struct stat`.
pub fn stat(fid: &Fid) -> Result<Stat, Errno> {
    let a: Attr = fid.mount.call(wire::tgetattr(TAG, fid.id), |r| wire::rgetattr(r, TAG))?;
    Ok(Stat {
        st_dev: fid.mount.st_dev,
        st_ino: a.qid.path,
        st_mode: a.mode,
        st_nlink: a.nlink.min(u64::from(u32::MAX)) as u32,
        st_uid: a.uid,
        st_gid: a.gid,
        st_rdev: a.rdev,
        st_size: a.size as i64,
        st_blksize: a.blksize.min(1 << 30) as i32,
        st_blocks: a.blocks as i64,
        st_atime: a.atime.0 as i64,
        st_atime_nsec: a.atime.1,
        st_mtime: a.mtime.0 as i64,
        st_mtime_nsec: a.mtime.1,
        st_ctime: a.ctime.0 as i64,
        st_ctime_nsec: a.ctime.1,
        ..Stat::default()
    })
}

/// Tmkdir of `name` in directory `dir`.
pub fn mkdir(dir: &Fid, name: &str, mode: u32) -> Result<(), Errno> {
    let msg = wire::tmkdir(TAG, dir.id, name, mode & 0o7777, 0);
    dir.mount.call(msg, |r| wire::rqid(r, wire::TMKDIR, TAG)).map(|_| ())
}

/// Tunlinkat of `name` in `dir` (`rmdir` for a directory).
pub fn unlink(dir: &Fid, name: &str, rmdir: bool) -> Result<(), Errno> {
    let flags = if rmdir { wire::AT_REMOVEDIR } else { 0 };
    dir.mount.call(wire::tunlinkat(TAG, dir.id, name, flags), |r| wire::rempty(r, wire::TUNLINKAT, TAG))
}

/// Trenameat within one share (another file system is EXDEV).
pub fn rename(from: &Fid, old: &str, to: &Fid, new: &str) -> Result<(), Errno> {
    if !Rc::ptr_eq(&from.mount, &to.mount) {
        return Err(Errno::EXDEV);
    }
    let msg = wire::trenameat(TAG, from.id, old, to.id, new);
    from.mount.call(msg, |r| wire::rempty(r, wire::TRENAMEAT, TAG))
}

/// A program file of a share for exec: a copy of the whole file (as an
/// mmap takes one) when it is a regular file with an execute bit, the
/// check Linux's exec makes for root; else EACCES.
pub fn program(fid: Fid) -> Result<Inode, Errno> {
    let mode = stat(&fid)?.st_mode;
    if !sv39_abi::stat::S_ISREG(mode) || mode & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    let file = open(fid, sv39_abi::fcntl::O_RDONLY)?;
    file.snapshot(0, u64::MAX)
}

/// An open file of a share.
pub struct SharedFile {
    fid: Fid,
    iounit: u32,
}

/// Tlopen of `fid` with Linux's open `flags`.
pub fn open(fid: Fid, flags: u32) -> Result<SharedFile, Errno> {
    let (_, iounit) = fid.mount.call(wire::tlopen(TAG, fid.id, flags), |r| wire::ropen(r, wire::TLOPEN, TAG))?;
    Ok(SharedFile { fid, iounit })
}

/// Tlcreate of `name` in `dir`, open with `flags`.
pub fn create(dir: &Fid, name: &str, flags: u32, mode: u32) -> Result<SharedFile, Errno> {
    let (fid, _) = walk_from(&dir.mount, dir.id, &[])?;
    let mut fid = fid.ok_or(Errno::EIO)?;
    let msg = wire::tlcreate(TAG, fid.id, name, flags, mode & 0o7777, 0);
    let (qid, iounit) = fid.mount.call(msg, |r| wire::ropen(r, wire::TLCREATE, TAG))?;
    fid.qid = qid;
    Ok(SharedFile { fid, iounit })
}

impl SharedFile {
    pub fn is_dir(&self) -> bool {
        self.fid.qid.is_dir()
    }

    pub fn stat(&self) -> Result<Stat, Errno> {
        stat(&self.fid)
    }

    pub fn size(&self) -> Result<u64, Errno> {
        Ok(self.stat()?.st_size as u64)
    }

    /// Treads at `offset` until `buf` is full or the file ends.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let m = &self.fid.mount;
        let mut done = 0;
        while done < buf.len() {
            let want = (buf.len() - done).min(m.max_io(self.iounit)) as u32;
            let at = offset + done as u64;
            let dest = &mut buf[done..];
            let n = m.call(wire::tread(TAG, self.fid.id, at, want), |r| {
                let data = wire::rdata(r, wire::TREAD, TAG, want)?;
                dest[..data.len()].copy_from_slice(data);
                Ok(data.len())
            });
            match n {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }

    /// Twrites `data` at `offset`; the bytes written.
    pub fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        let m = &self.fid.mount;
        let mut done = 0;
        while done < data.len() {
            let chunk = &data[done..][..(data.len() - done).min(m.max_io(self.iounit))];
            let msg = wire::twrite(TAG, self.fid.id, offset + done as u64, chunk);
            match m.call(msg, |r| wire::rwrite(r, TAG, chunk.len() as u32)) {
                Ok(0) => break,
                Ok(n) => done += n as usize,
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }

    /// Treaddir from the server's `offset` cookie, up to `count` bytes.
    pub fn readdir(&self, offset: u64, count: usize) -> Result<Vec<Dirent>, Errno> {
        let count = count.min(self.fid.mount.max_io(self.iounit)) as u32;
        let msg = wire::treaddir(TAG, self.fid.id, offset, count);
        self.fid.mount.call(msg, |r| wire::dirents(wire::rdata(r, wire::TREADDIR, TAG, count)?))
    }

    /// Tsetattr of the size (ftruncate, O_TRUNC).
    pub fn truncate(&self, len: u64) -> Result<(), Errno> {
        let msg = wire::tsetattr_size(TAG, self.fid.id, len);
        self.fid.mount.call(msg, |r| wire::rempty(r, wire::TSETATTR, TAG))
    }

    /// Tfsync.
    pub fn sync(&self) -> Result<(), Errno> {
        self.fid.mount.call(wire::tfsync(TAG, self.fid.id), |r| wire::rempty(r, wire::TFSYNC, TAG))
    }

    /// A ramfs file of this file's size holding its bytes in
    /// [offset, offset + len) (other pages are holes): what an mmap of
    /// the file maps. The mapping sees the file as it was when mapped.
    pub fn snapshot(&self, offset: u64, len: u64) -> Result<Inode, Errno> {
        let size = self.size()?;
        let inode = ramfs::new_file(0o400)?;
        ramfs::truncate(&inode, size)?;
        // Named by its mapping's path in /proc/self/maps, not "(deleted)".
        inode.nlink.set(1);
        let Body::File(data) = &inode.body else { return Err(Errno::EIO) };
        let end = offset.saturating_add(len).min(size);
        let mut buf = vec![0u8; MSIZE as usize - IOHDRSZ];
        let mut at = offset.min(end);
        while at < end {
            let want = ((end - at) as usize).min(buf.len());
            let n = self.read_at(at, &mut buf[..want])?;
            if n == 0 {
                break;
            }
            data.borrow_mut().write_at(at, &buf[..n]).map_err(|e| ramfs::cache_errno(e, true))?;
            at += n as u64;
        }
        Ok(inode)
    }
}
