//! The 9P2000.L file server over one shared host directory: the fid table
//! and a handler per T-message, as QEMU's hw/9pfs/9p.c serves Linux's
//! fs/9p client. Errors are Rlerror with a Linux errno; a read-only share
//! answers EROFS to every modifying request (QEMU's `readonly=on`).
//!
//! A hostile guest is bounded: at most `MAX_FIDS` fids, `MAX_OPEN` of them
//! open on a host file, msize at most `MAX_MSIZE`.

use super::host::{self, check, open_at, stat_at, stat_fd, Loc, Root};
use super::wire::{msg, Qid, Reader, Short, Writer, HEADER_LEN, QTDIR, QTFILE, QTSYMLINK};
use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};

pub const MAX_MSIZE: u32 = 1 << 20;
/// QEMU refuses a smaller msize (P9_MIN_MSIZE).
const MIN_MSIZE: u32 = 4096;
pub const MAX_FIDS: usize = 4096;
pub const MAX_OPEN: usize = 256;
/// Walk elements in one Twalk (P9_MAXWELEM).
const MAX_WELEM: u16 = 16;
/// size[4] type[1] tag[2] count[4]: what precedes Rread's and Rreaddir's data.
const IO_HEADER: usize = HEADER_LEN + 4;
/// Rgetattr's `valid`: the basic fields (P9_STATS_BASIC).
const STATS_BASIC: u64 = 0x7ff;

/// Tsetattr's `valid` bits (P9_ATTR_*).
const ATTR_MODE: u32 = 1;
const ATTR_UID: u32 = 2;
const ATTR_GID: u32 = 4;
const ATTR_SIZE: u32 = 8;
const ATTR_ATIME: u32 = 16;
const ATTR_MTIME: u32 = 32;
const ATTR_ATIME_SET: u32 = 128;
const ATTR_MTIME_SET: u32 = 256;

/// Tunlinkat's flag (P9_DOTL_AT_REMOVEDIR).
const DOTL_AT_REMOVEDIR: u32 = 0x200;
/// Rgetlock's answer: nothing holds a lock (P9_LOCK_TYPE_UNLCK).
const LOCK_TYPE_UNLCK: u8 = 2;

/// The open flags of 9P2000.L (P9_DOTL_*: Linux's generic values) and the host's.
const DOTL_FLAGS: [(u32, libc::c_int); 7] = [
    (0o1000, libc::O_TRUNC),
    (0o2000, libc::O_APPEND),
    (0o4000, libc::O_NONBLOCK),
    (0o10000, libc::O_DSYNC),
    (0o200000, libc::O_DIRECTORY),
    (0o4000000, libc::O_SYNC),
    (0o200, libc::O_EXCL),
];
const DOTL_ACCMODE: u32 = 3;

/// A Linux errno for an Rlerror.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

impl From<Short> for Errno {
    fn from(_: Short) -> Errno {
        Errno(libc::EPROTO)
    }
}

impl From<std::io::Error> for Errno {
    fn from(e: std::io::Error) -> Errno {
        Errno(e.raw_os_error().unwrap_or(libc::EIO))
    }
}

impl From<i32> for Errno {
    fn from(e: i32) -> Errno {
        Errno(e)
    }
}

type Res = Result<(), Errno>;

/// What a fid stands for: a path from the share's root, maybe opened.
struct Fid {
    path: Vec<CString>,
    open: Option<OwnedFd>,
    /// An xattr fid from Txattrwalk: an empty attribute list.
    xattr: bool,
}

/// One request as `--trace 9p` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The T-message type.
    pub op: u8,
    pub fid: Option<u32>,
    /// The path the request is about (the fid's, and the name it gives).
    pub path: String,
    /// Offset and count of a read, write or readdir.
    pub io: Option<(u64, u32)>,
    /// The reply: bytes of data (reads, readdir, writes) or the errno.
    pub result: Result<u32, i32>,
}

impl Default for Request {
    fn default() -> Request {
        Request { op: 0, fid: None, path: String::new(), io: None, result: Ok(0) }
    }
}

pub struct Server {
    root: Root,
    readonly: bool,
    msize: u32,
    fids: HashMap<u32, Fid>,
    open: usize,
    /// Host devices seen, whose index goes into the top of a qid path.
    devs: Vec<u64>,
    dirents: Vec<u8>,
    pub out: Writer,
}

impl Server {
    pub fn new(root: Root, readonly: bool) -> Server {
        Server {
            root,
            readonly,
            msize: MAX_MSIZE,
            fids: HashMap::new(),
            open: 0,
            devs: Vec::new(),
            dirents: vec![0; 32 << 10],
            out: Writer::default(),
        }
    }

    pub fn msize(&self) -> u32 {
        self.msize
    }

    /// Serves the T-message `req` (header included) into `self.out`, in
    /// at most `room` bytes of reply where the reply's data can be cut.
    pub fn handle(&mut self, req: &[u8], room: usize, ev: &mut Request) {
        let mut r = Reader::new(&req[HEADER_LEN..]);
        let (op, tag) = (req[4], u16::from_le_bytes([req[5], req[6]]));
        ev.op = op;
        ev.result = Ok(0);
        let room = room.min(self.msize as usize);
        if let Err(Errno(e)) = self.dispatch(op, tag, &mut r, room, ev) {
            ev.result = Err(e);
            self.out.start(msg::RLERROR, tag);
            self.out.u32(e as u32);
        }
    }

    fn dispatch(&mut self, op: u8, tag: u16, r: &mut Reader, room: usize, ev: &mut Request) -> Res {
        self.out.start(op.wrapping_add(1), tag);
        match op {
            msg::TVERSION => self.version(r),
            msg::TATTACH => self.attach(r, ev),
            msg::TWALK => self.walk(r, ev),
            msg::TLOPEN => self.lopen(r, ev),
            msg::TLCREATE => self.lcreate(r, ev),
            msg::TREAD => self.read(r, room, ev),
            msg::TWRITE => self.write(r, ev),
            msg::TCLUNK => self.clunk(r, ev),
            msg::TGETATTR => self.getattr(r, ev),
            msg::TSETATTR => self.setattr(r, ev),
            msg::TREADDIR => self.readdir(r, room, ev),
            msg::TSTATFS => self.statfs(r, ev),
            msg::TREADLINK => self.readlink(r, ev),
            msg::TMKDIR => self.mkdir(r, ev),
            msg::TSYMLINK => self.symlink(r, ev),
            msg::TLINK => self.link(r, ev),
            msg::TUNLINKAT => self.unlinkat(r, ev),
            msg::TRENAMEAT => self.renameat(r, ev),
            msg::TRENAME => self.rename(r, ev),
            msg::TFSYNC => self.fsync(r, ev),
            msg::TFLUSH => r.u16().map(drop).map_err(Errno::from),
            msg::TXATTRWALK => self.xattrwalk(r, ev),
            msg::TLOCK => self.lock(r, ev),
            msg::TGETLOCK => self.getlock(r, ev),
            // Device nodes and attributes are not made on the host.
            msg::TMKNOD | msg::TXATTRCREATE => self.writable().and(Err(Errno(libc::EOPNOTSUPP))),
            _ => Err(Errno(libc::EOPNOTSUPP)),
        }
    }

    /// Fails a modifying request on a read-only share.
    fn writable(&self) -> Res {
        if self.readonly {
            Err(Errno(libc::EROFS))
        } else {
            Ok(())
        }
    }

    fn fid(&self, fid: u32, ev: &mut Request) -> Result<&Fid, Errno> {
        ev.fid = Some(fid);
        let f = self.fids.get(&fid).ok_or(Errno(libc::ENOENT))?;
        ev.path = show(&f.path, None);
        Ok(f)
    }

    /// A new fid `fid` for `path`.
    fn insert(&mut self, fid: u32, path: Vec<CString>) -> Res {
        if self.fids.contains_key(&fid) {
            return Err(Errno(libc::EINVAL));
        }
        if self.fids.len() >= MAX_FIDS {
            return Err(Errno(libc::EMFILE));
        }
        self.fids.insert(fid, Fid { path, open: None, xattr: false });
        Ok(())
    }

    /// Where the file `name` in the directory of fid `dfid` is.
    fn child(&self, dfid: u32, name: &[u8], ev: &mut Request) -> Result<(Loc, Vec<CString>), Errno> {
        let name = host::name(name)?;
        let dir = self.fid(dfid, ev)?;
        let mut path = dir.path.clone();
        ev.path = show(&path, Some(&name));
        let loc = Loc { dir: self.root.dir(&path)?, name: name.clone() };
        path.push(name);
        Ok((loc, path))
    }

    fn qid(&mut self, st: &libc::stat) -> Qid {
        let kind = match st.st_mode & libc::S_IFMT {
            libc::S_IFDIR => QTDIR,
            libc::S_IFLNK => QTSYMLINK,
            _ => QTFILE,
        };
        // As QEMU's stat_to_qid: mtime and size make the version.
        let version = (st.st_mtime as u64 ^ (st.st_size as u64) << 8) as u32;
        Qid { kind, version, path: qid_path(&mut self.devs, st.st_dev, st.st_ino) }
    }

    fn version(&mut self, r: &mut Reader) -> Res {
        let msize = r.u32()?;
        let version = r.str()?;
        // A new session: every fid of the old one is gone.
        self.fids.clear();
        self.open = 0;
        if msize < MIN_MSIZE {
            return Err(Errno(libc::EMSGSIZE));
        }
        self.msize = msize.min(MAX_MSIZE);
        let known: &[u8] = if version.starts_with(b"9P2000.L") { b"9P2000.L" } else { b"unknown" };
        self.out.u32(self.msize).str(known);
        Ok(())
    }

    fn attach(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        let (_afid, _uname, _aname, _n_uname) = (r.u32()?, r.str()?, r.str()?, r.u32()?);
        ev.fid = Some(fid);
        ev.path = "/".into();
        let st = stat_at(&self.root.locate(&[])?)?;
        self.insert(fid, Vec::new())?;
        let q = self.qid(&st);
        self.out.qid(q);
        Ok(())
    }

    fn walk(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, newfid, n) = (r.u32()?, r.u32()?, r.u16()?);
        if n > MAX_WELEM {
            return Err(Errno(libc::EINVAL));
        }
        let names: Vec<&[u8]> = (0..n).map(|_| r.str()).collect::<Result<_, _>>()?;
        let mut path = self.fid(fid, ev)?.path.clone();
        ev.path = shown_walk(&ev.path, &names);
        if newfid != fid && self.fids.contains_key(&newfid) {
            return Err(Errno(libc::EINVAL));
        }
        let mut qids = Vec::with_capacity(names.len());
        for (i, &n) in names.iter().enumerate() {
            match self.step(&mut path, n) {
                Ok(q) => qids.push(q),
                Err(e) if i == 0 => return Err(e),
                // A partial walk answers the qids it found; newfid is not made.
                Err(_) => break,
            }
        }
        if qids.len() == names.len() {
            if newfid == fid {
                self.fids.get_mut(&fid).expect("looked up above").path = path;
            } else {
                self.insert(newfid, path)?;
            }
        }
        self.out.u16(qids.len() as u16);
        for q in qids {
            self.out.qid(q);
        }
        Ok(())
    }

    /// One walk element from `path`: `..` stops at the share's root.
    fn step(&mut self, path: &mut Vec<CString>, name: &[u8]) -> Result<Qid, Errno> {
        match name {
            b"." => {}
            b".." => drop(path.pop()),
            _ => {
                // Only a directory (not a symlink to one) has children.
                let loc = Loc { dir: self.root.dir(path)?, name: host::name(name)? };
                let st = stat_at(&loc)?;
                path.push(loc.name);
                return Ok(self.qid(&st));
            }
        }
        let st = stat_at(&self.root.locate(path)?)?;
        Ok(self.qid(&st))
    }

    fn lopen(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, flags) = (r.u32()?, r.u32()?);
        let f = self.fid(fid, ev)?;
        if f.open.is_some() {
            return Err(Errno(libc::EINVAL));
        }
        let host_flags = open_flags(flags);
        if self.readonly && (flags & DOTL_ACCMODE != 0 || host_flags & libc::O_TRUNC != 0) {
            return Err(Errno(libc::EROFS));
        }
        if self.open >= MAX_OPEN {
            return Err(Errno(libc::EMFILE));
        }
        let loc = self.root.locate(&f.path)?;
        // A FIFO or a device would block the machine or reach host devices
        // (Linux's client opens those on its side, never through the server).
        let kind = stat_at(&loc)?.st_mode & libc::S_IFMT;
        if kind != libc::S_IFREG && kind != libc::S_IFDIR {
            return Err(Errno(libc::ENXIO));
        }
        let fd = open_at(&loc.dir, &loc.name, host_flags | libc::O_NONBLOCK, 0)?;
        let st = stat_fd(&fd)?;
        self.opened(fid, fd);
        let q = self.qid(&st);
        self.out.qid(q).u32(0);
        Ok(())
    }

    fn opened(&mut self, fid: u32, fd: OwnedFd) {
        self.open += 1;
        self.fids.get_mut(&fid).expect("a fid looked up").open = Some(fd);
    }

    fn lcreate(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, name, flags, mode, _gid) = (r.u32()?, r.str()?, r.u32()?, r.u32()?, r.u32()?);
        let (loc, path) = self.child(fid, name, ev)?;
        self.writable()?;
        if self.fids[&fid].open.is_some() {
            return Err(Errno(libc::EINVAL));
        }
        if self.open >= MAX_OPEN {
            return Err(Errno(libc::EMFILE));
        }
        let fd = open_at(&loc.dir, &loc.name, open_flags(flags) | libc::O_CREAT, mode & 0o7777)?;
        let st = stat_fd(&fd)?;
        self.opened(fid, fd);
        self.fids.get_mut(&fid).expect("a fid looked up").path = path;
        let q = self.qid(&st);
        self.out.qid(q).u32(0);
        Ok(())
    }

    fn read(&mut self, r: &mut Reader, room: usize, ev: &mut Request) -> Res {
        let (fid, offset, count) = (r.u32()?, r.u64()?, r.u32()?);
        ev.io = Some((offset, count));
        let f = self.fid(fid, ev)?;
        let count = (count as usize).min(room.saturating_sub(IO_HEADER));
        if f.xattr {
            self.out.u32(0);
            return Ok(());
        }
        let fd = f.open.as_ref().ok_or(Errno(libc::EBADF))?.as_raw_fd();
        let start = self.out.len() + 4;
        self.out.buf.resize(start + count, 0);
        // SAFETY: the buffer has `count` writable bytes at `start`.
        let n = unsafe { libc::pread(fd, self.out.buf[start..].as_mut_ptr().cast(), count, offset as libc::off_t) };
        if n < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        self.out.buf.truncate(start + n as usize);
        self.out.patch_u32(start - 4, n as u32);
        ev.result = Ok(n as u32);
        Ok(())
    }

    fn write(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, offset, count) = (r.u32()?, r.u64()?, r.u32()?);
        let data = r.bytes(count as usize)?;
        ev.io = Some((offset, count));
        let f = self.fid(fid, ev)?;
        self.writable()?;
        let fd = f.open.as_ref().ok_or(Errno(libc::EBADF))?.as_raw_fd();
        // SAFETY: `data` is readable for its length.
        let n = unsafe { libc::pwrite(fd, data.as_ptr().cast(), data.len(), offset as libc::off_t) };
        if n < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        self.out.u32(n as u32);
        ev.result = Ok(n as u32);
        Ok(())
    }

    fn clunk(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        self.fid(fid, ev)?;
        if self.fids.remove(&fid).is_some_and(|f| f.open.is_some()) {
            self.open -= 1;
        }
        Ok(())
    }

    /// The stat of fid `fid`'s file: of its open file if it is open.
    fn stat_fid(&self, fid: u32, ev: &mut Request) -> Result<libc::stat, Errno> {
        let f = self.fid(fid, ev)?;
        Ok(match &f.open {
            Some(fd) => stat_fd(fd)?,
            None => stat_at(&self.root.locate(&f.path)?)?,
        })
    }

    fn getattr(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, _mask) = (r.u32()?, r.u64()?);
        let st = self.stat_fid(fid, ev)?;
        let q = self.qid(&st);
        let o = &mut self.out;
        o.u64(STATS_BASIC).qid(q).u32(st.st_mode).u32(st.st_uid).u32(st.st_gid);
        o.u64(st.st_nlink).u64(st.st_rdev).u64(st.st_size as u64).u64(st.st_blksize as u64).u64(st.st_blocks as u64);
        o.u64(st.st_atime as u64).u64(st.st_atime_nsec as u64);
        o.u64(st.st_mtime as u64).u64(st.st_mtime_nsec as u64);
        o.u64(st.st_ctime as u64).u64(st.st_ctime_nsec as u64);
        // btime, gen and data_version: unknown, 0 as QEMU.
        o.u64(0).u64(0).u64(0).u64(0);
        Ok(())
    }

    fn setattr(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, valid, mode, uid, gid) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?, r.u32()?);
        let size = r.u64()?;
        let (atime, atime_ns, mtime, mtime_ns) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        let f = self.fid(fid, ev)?;
        self.writable()?;
        let loc = self.root.locate(&f.path)?;
        if valid & ATTR_MODE != 0 {
            chmod(&loc, mode & 0o7777)?;
        }
        if valid & (ATTR_ATIME | ATTR_MTIME) != 0 {
            let time = |set, sec, nsec, given| match (set, given) {
                (false, _) => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT },
                (true, true) => libc::timespec { tv_sec: sec as libc::time_t, tv_nsec: nsec as libc::c_long },
                (true, false) => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW },
            };
            let times = [
                time(valid & ATTR_ATIME != 0, atime, atime_ns, valid & ATTR_ATIME_SET != 0),
                time(valid & ATTR_MTIME != 0, mtime, mtime_ns, valid & ATTR_MTIME_SET != 0),
            ];
            // SAFETY: two timespecs, a NUL-terminated name.
            check(unsafe {
                libc::utimensat(loc.dir.as_raw_fd(), loc.name.as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW)
            })?;
        }
        if valid & (ATTR_UID | ATTR_GID) != 0 {
            let uid = if valid & ATTR_UID != 0 { uid } else { u32::MAX };
            let gid = if valid & ATTR_GID != 0 { gid } else { u32::MAX };
            // SAFETY: a NUL-terminated name.
            check(unsafe {
                libc::fchownat(loc.dir.as_raw_fd(), loc.name.as_ptr(), uid, gid, libc::AT_SYMLINK_NOFOLLOW)
            })?;
        }
        if valid & ATTR_SIZE != 0 {
            let fd = open_at(&loc.dir, &loc.name, libc::O_WRONLY, 0)?;
            // SAFETY: an open fd.
            check(unsafe { libc::ftruncate(fd.as_raw_fd(), size as libc::off_t) })?;
        }
        Ok(())
    }

    fn readdir(&mut self, r: &mut Reader, room: usize, ev: &mut Request) -> Res {
        let (fid, offset, count) = (r.u32()?, r.u64()?, r.u32()?);
        ev.io = Some((offset, count));
        let f = self.fid(fid, ev)?;
        let fd = f.open.as_ref().ok_or(Errno(libc::EBADF))?;
        let dev = stat_fd(fd)?.st_dev;
        let fd = fd.as_raw_fd();
        let limit = (count as usize).min(room.saturating_sub(IO_HEADER));
        // SAFETY: an open directory fd; the offset is one getdents gave.
        if unsafe { libc::lseek(fd, offset as libc::off_t, libc::SEEK_SET) } < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        self.out.u32(0);
        let start = self.out.len();
        'fill: loop {
            let n = getdents(fd, &mut self.dirents)?;
            if n == 0 {
                break;
            }
            let mut at = 0;
            while at < n {
                let e = Dirent::parse(&self.dirents[at..n]).ok_or(Errno(libc::EIO))?;
                at += e.reclen;
                if self.out.len() - start + 24 + e.name.len() > limit {
                    break 'fill;
                }
                let kind = match e.kind {
                    libc::DT_DIR => QTDIR,
                    libc::DT_LNK => QTSYMLINK,
                    _ => QTFILE,
                };
                let q = Qid { kind, version: 0, path: qid_path(&mut self.devs, dev, e.ino) };
                let name = e.name.to_vec();
                self.out.qid(q).u64(e.off).u8(e.kind).str(&name);
            }
        }
        let n = (self.out.len() - start) as u32;
        self.out.patch_u32(start - 4, n);
        ev.result = Ok(n);
        Ok(())
    }

    fn statfs(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        let f = self.fid(fid, ev)?;
        let loc = self.root.locate(&f.path)?;
        let fd = open_at(&loc.dir, &loc.name, libc::O_PATH, 0)?;
        // SAFETY: a zeroed statfs is valid for the kernel to fill.
        let mut s: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `s` is writable.
        check(unsafe { libc::fstatfs(fd.as_raw_fd(), &mut s) })?;
        // SAFETY: fsid is two ints, however libc names them.
        let fsid: [i32; 2] = unsafe { std::mem::transmute(s.f_fsid) };
        let fsid = u64::from(fsid[0] as u32) | u64::from(fsid[1] as u32) << 32;
        let o = &mut self.out;
        o.u32(s.f_type as u32).u32(s.f_bsize as u32).u64(s.f_blocks).u64(s.f_bfree).u64(s.f_bavail);
        o.u64(s.f_files).u64(s.f_ffree).u64(fsid).u32(s.f_namelen as u32);
        Ok(())
    }

    fn readlink(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        let f = self.fid(fid, ev)?;
        let loc = self.root.locate(&f.path)?;
        let mut target = [0u8; libc::PATH_MAX as usize];
        // SAFETY: `target` is writable for its length.
        let n = unsafe {
            libc::readlinkat(loc.dir.as_raw_fd(), loc.name.as_ptr(), target.as_mut_ptr().cast(), target.len())
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        self.out.str(&target[..n as usize]);
        Ok(())
    }

    fn mkdir(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (dfid, name, mode, _gid) = (r.u32()?, r.str()?, r.u32()?, r.u32()?);
        let (loc, _) = self.child(dfid, name, ev)?;
        self.writable()?;
        // SAFETY: a NUL-terminated name.
        check(unsafe { libc::mkdirat(loc.dir.as_raw_fd(), loc.name.as_ptr(), mode & 0o7777) })?;
        self.reply_qid(&loc)
    }

    fn reply_qid(&mut self, loc: &Loc) -> Res {
        let st = stat_at(loc)?;
        let q = self.qid(&st);
        self.out.qid(q);
        Ok(())
    }

    fn symlink(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (dfid, name, target, _gid) = (r.u32()?, r.str()?, r.str()?, r.u32()?);
        let (loc, _) = self.child(dfid, name, ev)?;
        self.writable()?;
        let target = CString::new(target).map_err(|_| Errno(libc::EINVAL))?;
        // SAFETY: NUL-terminated strings. The link is stored, never followed here.
        check(unsafe { libc::symlinkat(target.as_ptr(), loc.dir.as_raw_fd(), loc.name.as_ptr()) })?;
        self.reply_qid(&loc)
    }

    fn link(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (dfid, fid, name) = (r.u32()?, r.u32()?, r.str()?);
        let old = self.root.locate(&self.fid(fid, ev)?.path)?;
        let (new, _) = self.child(dfid, name, ev)?;
        self.writable()?;
        if old.is_root() {
            return Err(Errno(libc::EPERM));
        }
        // SAFETY: NUL-terminated names; flags 0: a symlink is linked, not followed.
        check(unsafe {
            libc::linkat(old.dir.as_raw_fd(), old.name.as_ptr(), new.dir.as_raw_fd(), new.name.as_ptr(), 0)
        })?;
        Ok(())
    }

    fn unlinkat(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (dfid, name, flags) = (r.u32()?, r.str()?, r.u32()?);
        let (loc, _) = self.child(dfid, name, ev)?;
        self.writable()?;
        let flags = if flags & DOTL_AT_REMOVEDIR != 0 { libc::AT_REMOVEDIR } else { 0 };
        // SAFETY: a NUL-terminated name.
        check(unsafe { libc::unlinkat(loc.dir.as_raw_fd(), loc.name.as_ptr(), flags) })?;
        Ok(())
    }

    fn renameat(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (olddfid, oldname, newdfid, newname) = (r.u32()?, r.str()?, r.u32()?, r.str()?);
        let (old, old_path) = self.child(olddfid, oldname, ev)?;
        let mut shown = std::mem::take(&mut ev.path);
        let (new, new_path) = self.child(newdfid, newname, ev)?;
        shown = format!("{shown} -> {}", ev.path);
        ev.path = shown;
        self.move_file(&old, &old_path, &new, new_path)
    }

    fn rename(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, dfid, name) = (r.u32()?, r.u32()?, r.str()?);
        let old_path = self.fid(fid, ev)?.path.clone();
        let old = self.root.locate(&old_path)?;
        let shown = std::mem::take(&mut ev.path);
        let (new, new_path) = self.child(dfid, name, ev)?;
        ev.path = format!("{shown} -> {}", ev.path);
        ev.fid = Some(fid);
        self.move_file(&old, &old_path, &new, new_path)
    }

    /// renameat(2), then every fid at or below the old path follows the file.
    fn move_file(&mut self, old: &Loc, old_path: &[CString], new: &Loc, new_path: Vec<CString>) -> Res {
        self.writable()?;
        if old.is_root() {
            return Err(Errno(libc::EBUSY));
        }
        // SAFETY: NUL-terminated names.
        check(unsafe {
            libc::renameat(old.dir.as_raw_fd(), old.name.as_ptr(), new.dir.as_raw_fd(), new.name.as_ptr())
        })?;
        for f in self.fids.values_mut().filter(|f| f.path.starts_with(old_path)) {
            let rest = f.path.split_off(old_path.len());
            f.path = new_path.iter().cloned().chain(rest).collect();
        }
        Ok(())
    }

    fn fsync(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, datasync) = (r.u32()?, r.u32()?);
        let fd = self.fid(fid, ev)?.open.as_ref().ok_or(Errno(libc::EBADF))?.as_raw_fd();
        // SAFETY: an open fd.
        check(unsafe {
            if datasync != 0 {
                libc::fdatasync(fd)
            } else {
                libc::fsync(fd)
            }
        })?;
        Ok(())
    }

    /// An empty list for the attribute listing (name ""); no named attribute.
    fn xattrwalk(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let (fid, newfid, name) = (r.u32()?, r.u32()?, r.str()?);
        let path = self.fid(fid, ev)?.path.clone();
        if !name.is_empty() {
            return Err(Errno(libc::EOPNOTSUPP));
        }
        self.insert(newfid, path)?;
        self.fids.get_mut(&newfid).expect("just inserted").xattr = true;
        self.out.u64(0);
        Ok(())
    }

    /// Granted, as QEMU does: the host file is not locked.
    fn lock(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        let (_kind, _flags, _start, _len, _proc, _client) = (r.u8()?, r.u32()?, r.u64()?, r.u64()?, r.u32()?, r.str()?);
        self.fid(fid, ev)?;
        self.out.u8(0);
        Ok(())
    }

    /// Nothing holds a lock, as QEMU answers.
    fn getlock(&mut self, r: &mut Reader, ev: &mut Request) -> Res {
        let fid = r.u32()?;
        let (_kind, start, len, proc_id, client) = (r.u8()?, r.u64()?, r.u64()?, r.u32()?, r.str()?);
        self.fid(fid, ev)?;
        self.out.u8(LOCK_TYPE_UNLCK).u64(start).u64(len).u32(proc_id).str(client);
        Ok(())
    }
}

/// The inode, with the host device folded into its top 16 bits as
/// QEMU's `multidevs=remap` does: the first device seen is 0, so a share on
/// one file system has the host's inode numbers.
fn qid_path(devs: &mut Vec<u64>, dev: u64, ino: u64) -> u64 {
    let index = match devs.iter().position(|&d| d == dev) {
        Some(i) => i,
        None if devs.len() < 0xffff => {
            devs.push(dev);
            devs.len() - 1
        }
        None => 0xffff,
    };
    (index as u64) << 48 | (ino & ((1 << 48) - 1))
}

/// The host's open(2) flags for 9P2000.L's: the access mode and the flags
/// a file server passes on (QEMU drops O_NOCTTY, O_ASYNC, O_DIRECT and, in
/// Tlopen, O_CREAT; O_NOATIME would fail on files the user does not own).
fn open_flags(dotl: u32) -> libc::c_int {
    let access = match dotl & DOTL_ACCMODE {
        0 => libc::O_RDONLY,
        1 => libc::O_WRONLY,
        _ => libc::O_RDWR,
    };
    DOTL_FLAGS.iter().filter(|(d, _)| dotl & d != 0).fold(access, |f, (_, h)| f | h)
}

/// chmod of a file that is not a symlink, as QEMU's fchmodat_nofollow:
/// through its O_PATH fd's /proc/self/fd link.
fn chmod(loc: &Loc, mode: u32) -> Res {
    let fd = open_at(&loc.dir, &loc.name, libc::O_PATH, 0)?;
    if stat_fd(&fd)?.st_mode & libc::S_IFMT == libc::S_IFLNK {
        return Err(Errno(libc::ELOOP));
    }
    let proc = CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).expect("no NUL");
    // SAFETY: a NUL-terminated path.
    check(unsafe { libc::chmod(proc.as_ptr(), mode) })?;
    Ok(())
}

/// getdents64(2) into `buf`: the bytes filled, 0 at the end.
fn getdents(fd: libc::c_int, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
    if n < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(n as usize)
}

/// One `struct linux_dirent64`: ino[8] off[8] reclen[2] type[1] name NUL.
struct Dirent<'a> {
    ino: u64,
    off: u64,
    reclen: usize,
    kind: u8,
    name: &'a [u8],
}

impl<'a> Dirent<'a> {
    fn parse(b: &'a [u8]) -> Option<Dirent<'a>> {
        let reclen = usize::from(u16::from_ne_bytes(b.get(16..18)?.try_into().ok()?));
        let rec = b.get(..reclen).filter(|_| reclen > 19)?;
        let name = &rec[19..];
        let name = &name[..name.iter().position(|&c| c == 0)?];
        Some(Dirent {
            ino: u64::from_ne_bytes(rec[0..8].try_into().ok()?),
            off: u64::from_ne_bytes(rec[8..16].try_into().ok()?),
            reclen,
            kind: rec[18],
            name,
        })
    }
}

/// The path a walk from `from` asks for, for the trace.
fn shown_walk(from: &str, names: &[&[u8]]) -> String {
    let mut s = from.trim_end_matches('/').to_string();
    for n in names {
        s.push('/');
        s.push_str(&String::from_utf8_lossy(n));
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

/// A guest path for the trace: `/a/b`, and `name` under it if given.
fn show(path: &[CString], name: Option<&CString>) -> String {
    let mut s = String::new();
    for n in path.iter().chain(name) {
        s.push('/');
        s.push_str(&String::from_utf8_lossy(n.as_bytes()));
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}
