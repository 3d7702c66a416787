//! 9P2000.L messages on the wire (Linux include/net/9p/9p.h, net/9p/protocol.c;
//! the protocol's .L additions as QEMU's hw/9pfs/9p.c serves them): the
//! T-messages the client sends, built whole, and a checked reader of the
//! R-messages. Every field is little-endian; a string is `len[2]` and bytes.
//! A reply that is short, too long, of the wrong type or tag is `Malformed`,
//! which the client turns into EIO: the server's bytes are never trusted.

use alloc::string::String;
use alloc::vec::Vec;

pub const VERSION: &str = "9P2000.L";
/// The tag of Tversion (9P: "NOTAG").
pub const NOTAG: u16 = !0;
/// No fid: Tattach's afid when there is no authentication.
pub const NOFID: u32 = !0;
/// size[4] type[1] tag[2].
pub const HEADER: usize = 7;
/// Rread's header: the message header and count[4]; Twrite's adds fid[4] offset[8].
pub const IOHDRSZ: usize = HEADER + 4 + 4 + 8;

pub const RLERROR: u8 = 7;
pub const TLOPEN: u8 = 12;
pub const TLCREATE: u8 = 14;
pub const TREADLINK: u8 = 22;
pub const TGETATTR: u8 = 24;
pub const TSETATTR: u8 = 26;
pub const TREADDIR: u8 = 40;
pub const TFSYNC: u8 = 50;
pub const TMKDIR: u8 = 72;
pub const TRENAMEAT: u8 = 74;
pub const TUNLINKAT: u8 = 76;
pub const TVERSION: u8 = 100;
pub const TATTACH: u8 = 104;
pub const TWALK: u8 = 110;
pub const TREAD: u8 = 116;
pub const TWRITE: u8 = 118;
pub const TCLUNK: u8 = 120;

/// The most names one Twalk carries (9P's MAXWELEM).
pub const MAXWELEM: usize = 16;
/// Tgetattr's request mask: the fields of struct stat (P9_GETATTR_BASIC).
pub const GETATTR_BASIC: u64 = 0x7ff;
/// Tsetattr's valid bit for the size (P9_ATTR_SIZE).
pub const SETATTR_SIZE: u32 = 0x8;
/// Tunlinkat's flag for a directory (Linux's AT_REMOVEDIR).
pub const AT_REMOVEDIR: u32 = 0x200;

/// qid.type bits.
pub const QTDIR: u8 = 0x80;
pub const QTSYMLINK: u8 = 0x02;

/// The server's identity of a file: its type, version and unique path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Qid {
    pub kind: u8,
    pub version: u32,
    pub path: u64,
}

impl Qid {
    pub fn is_dir(&self) -> bool {
        self.kind & QTDIR != 0
    }

    pub fn is_symlink(&self) -> bool {
        self.kind & QTSYMLINK != 0
    }
}

/// A T-message being built: the header first, the size patched at the end.
pub struct Tmessage {
    buf: Vec<u8>,
}

impl Tmessage {
    pub fn new(kind: u8, tag: u16) -> Tmessage {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; 4]);
        buf.push(kind);
        buf.extend_from_slice(&tag.to_le_bytes());
        Tmessage { buf }
    }

    pub fn u32(mut self, v: u32) -> Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(mut self, v: u64) -> Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u16(mut self, v: u16) -> Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A string: names are limited to NAME_MAX and paths to PATH_MAX by the
    /// callers, so the length fits len[2].
    pub fn str(self, s: &str) -> Self {
        let mut m = self.u16(s.len() as u16);
        m.buf.extend_from_slice(s.as_bytes());
        m
    }

    pub fn bytes(mut self, data: &[u8]) -> Self {
        self.buf.extend_from_slice(data);
        self
    }

    /// The message with its size field set.
    pub fn finish(mut self) -> Vec<u8> {
        let len = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&len.to_le_bytes());
        self.buf
    }
}

pub fn tversion(msize: u32) -> Vec<u8> {
    Tmessage::new(TVERSION, NOTAG).u32(msize).str(VERSION).finish()
}

pub fn tattach(tag: u16, fid: u32, uname: &str, aname: &str, n_uname: u32) -> Vec<u8> {
    Tmessage::new(TATTACH, tag).u32(fid).u32(NOFID).str(uname).str(aname).u32(n_uname).finish()
}

/// Twalk of at most MAXWELEM names (the caller splits longer walks).
pub fn twalk(tag: u16, fid: u32, newfid: u32, names: &[&str]) -> Vec<u8> {
    let m = Tmessage::new(TWALK, tag).u32(fid).u32(newfid).u16(names.len() as u16);
    names.iter().fold(m, |m, n| m.str(n)).finish()
}

pub fn tclunk(tag: u16, fid: u32) -> Vec<u8> {
    Tmessage::new(TCLUNK, tag).u32(fid).finish()
}

pub fn tgetattr(tag: u16, fid: u32) -> Vec<u8> {
    Tmessage::new(TGETATTR, tag).u32(fid).u64(GETATTR_BASIC).finish()
}

/// Tsetattr of the size alone (truncate).
pub fn tsetattr_size(tag: u16, fid: u32, size: u64) -> Vec<u8> {
    let m = Tmessage::new(TSETATTR, tag).u32(fid).u32(SETATTR_SIZE).u32(0).u32(0).u32(0).u64(size);
    m.u64(0).u64(0).u64(0).u64(0).finish()
}

/// Tlopen: `flags` are Linux's open flags (9P2000.L's dotl flags match
/// asm-generic's, which riscv64 uses).
pub fn tlopen(tag: u16, fid: u32, flags: u32) -> Vec<u8> {
    Tmessage::new(TLOPEN, tag).u32(fid).u32(flags).finish()
}

pub fn tlcreate(tag: u16, fid: u32, name: &str, flags: u32, mode: u32, gid: u32) -> Vec<u8> {
    Tmessage::new(TLCREATE, tag).u32(fid).str(name).u32(flags).u32(mode).u32(gid).finish()
}

pub fn tread(tag: u16, fid: u32, offset: u64, count: u32) -> Vec<u8> {
    Tmessage::new(TREAD, tag).u32(fid).u64(offset).u32(count).finish()
}

pub fn twrite(tag: u16, fid: u32, offset: u64, data: &[u8]) -> Vec<u8> {
    Tmessage::new(TWRITE, tag).u32(fid).u64(offset).u32(data.len() as u32).bytes(data).finish()
}

pub fn treaddir(tag: u16, fid: u32, offset: u64, count: u32) -> Vec<u8> {
    Tmessage::new(TREADDIR, tag).u32(fid).u64(offset).u32(count).finish()
}

pub fn treadlink(tag: u16, fid: u32) -> Vec<u8> {
    Tmessage::new(TREADLINK, tag).u32(fid).finish()
}

pub fn tmkdir(tag: u16, dfid: u32, name: &str, mode: u32, gid: u32) -> Vec<u8> {
    Tmessage::new(TMKDIR, tag).u32(dfid).str(name).u32(mode).u32(gid).finish()
}

pub fn tunlinkat(tag: u16, dfid: u32, name: &str, flags: u32) -> Vec<u8> {
    Tmessage::new(TUNLINKAT, tag).u32(dfid).str(name).u32(flags).finish()
}

pub fn trenameat(tag: u16, olddfid: u32, oldname: &str, newdfid: u32, newname: &str) -> Vec<u8> {
    Tmessage::new(TRENAMEAT, tag).u32(olddfid).str(oldname).u32(newdfid).str(newname).finish()
}

pub fn tfsync(tag: u16, fid: u32) -> Vec<u8> {
    Tmessage::new(TFSYNC, tag).u32(fid).u32(0).finish()
}

/// Why a reply gives no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyError {
    /// Rlerror: the server's Linux errno.
    Server(u32),
    /// Not a well-formed reply to the request.
    Malformed,
}

/// A checked reader over one R-message's body.
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

/// The body of `msg` as the reply of type `kind` + 1 with `tag`, or the
/// server's error (Rlerror), or Malformed.
pub fn reply(msg: &[u8], kind: u8, tag: u16) -> Result<Reader<'_>, ReplyError> {
    let mut r = Reader { buf: msg, at: 0 };
    let size = r.u32()? as usize;
    let (rtype, rtag) = (r.u8()?, r.u16()?);
    if size < HEADER || size > msg.len() || rtag != tag {
        return Err(ReplyError::Malformed);
    }
    r.buf = &msg[..size];
    match rtype {
        RLERROR => Err(ReplyError::Server(r.u32()?)),
        t if t == kind.wrapping_add(1) => Ok(r),
        _ => Err(ReplyError::Malformed),
    }
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ReplyError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or(ReplyError::Malformed)?;
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }

    pub fn u8(&mut self) -> Result<u8, ReplyError> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, ReplyError> {
        Ok(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }

    pub fn u32(&mut self) -> Result<u32, ReplyError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| ReplyError::Malformed)?))
    }

    pub fn u64(&mut self) -> Result<u64, ReplyError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| ReplyError::Malformed)?))
    }

    /// A string; not UTF-8 is Malformed (the VFS names files by `str`).
    pub fn str(&mut self) -> Result<String, ReplyError> {
        let n = usize::from(self.u16()?);
        let bytes = self.take(n)?;
        core::str::from_utf8(bytes).map(String::from).map_err(|_| ReplyError::Malformed)
    }

    pub fn qid(&mut self) -> Result<Qid, ReplyError> {
        Ok(Qid { kind: self.u8()?, version: self.u32()?, path: self.u64()? })
    }

    /// count[4] and that many bytes (Rread, Rreaddir).
    pub fn data(&mut self) -> Result<&'a [u8], ReplyError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// Whether the whole body has been read (a longer one is Malformed).
    pub fn end(&self) -> Result<(), ReplyError> {
        if self.at == self.buf.len() {
            Ok(())
        } else {
            Err(ReplyError::Malformed)
        }
    }
}

/// Rversion: the server's msize and version.
pub fn rversion(msg: &[u8]) -> Result<(u32, String), ReplyError> {
    let mut r = reply(msg, TVERSION, NOTAG)?;
    let v = (r.u32()?, r.str()?);
    r.end()?;
    Ok(v)
}

/// Rwalk: the qids of the names walked (fewer than asked when one failed
/// after the first).
pub fn rwalk(msg: &[u8], tag: u16, asked: usize) -> Result<Vec<Qid>, ReplyError> {
    let mut r = reply(msg, TWALK, tag)?;
    let n = usize::from(r.u16()?);
    if n > asked {
        return Err(ReplyError::Malformed);
    }
    let qids = (0..n).map(|_| r.qid()).collect::<Result<Vec<_>, _>>()?;
    r.end()?;
    Ok(qids)
}

/// A reply with an empty body (Rclunk, Rsetattr, Runlinkat, ...).
pub fn rempty(msg: &[u8], kind: u8, tag: u16) -> Result<(), ReplyError> {
    reply(msg, kind, tag)?.end()
}

/// A reply of one qid (Rattach, Rmkdir).
pub fn rqid(msg: &[u8], kind: u8, tag: u16) -> Result<Qid, ReplyError> {
    let mut r = reply(msg, kind, tag)?;
    let q = r.qid()?;
    r.end()?;
    Ok(q)
}

/// Rlopen and Rlcreate: the qid and the iounit (0: msize decides).
pub fn ropen(msg: &[u8], kind: u8, tag: u16) -> Result<(Qid, u32), ReplyError> {
    let mut r = reply(msg, kind, tag)?;
    let v = (r.qid()?, r.u32()?);
    r.end()?;
    Ok(v)
}

/// Rread and Rreaddir: the data, at most `asked` bytes.
pub fn rdata(msg: &[u8], kind: u8, tag: u16, asked: u32) -> Result<&[u8], ReplyError> {
    let mut r = reply(msg, kind, tag)?;
    let data = r.data()?;
    r.end()?;
    if data.len() > asked as usize {
        return Err(ReplyError::Malformed);
    }
    Ok(data)
}

/// Rwrite: the bytes written, at most `asked`.
pub fn rwrite(msg: &[u8], tag: u16, asked: u32) -> Result<u32, ReplyError> {
    let mut r = reply(msg, TWRITE, tag)?;
    let n = r.u32()?;
    r.end()?;
    if n > asked {
        return Err(ReplyError::Malformed);
    }
    Ok(n)
}

/// Rreadlink: the target.
pub fn rreadlink(msg: &[u8], tag: u16) -> Result<String, ReplyError> {
    let mut r = reply(msg, TREADLINK, tag)?;
    let s = r.str()?;
    r.end()?;
    Ok(s)
}

/// Rgetattr's fields that struct stat holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attr {
    pub qid: Qid,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub nlink: u64,
    pub rdev: u64,
    pub size: u64,
    pub blksize: u64,
    pub blocks: u64,
    /// (seconds, nanoseconds) of the last access, modification, change.
    pub atime: (u64, u64),
    pub mtime: (u64, u64),
    pub ctime: (u64, u64),
}

pub fn rgetattr(msg: &[u8], tag: u16) -> Result<Attr, ReplyError> {
    let mut r = reply(msg, TGETATTR, tag)?;
    let _valid = r.u64()?;
    let (qid, mode, uid, gid) = (r.qid()?, r.u32()?, r.u32()?, r.u32()?);
    let (nlink, rdev, size, blksize, blocks) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?);
    let atime = (r.u64()?, r.u64()?);
    let mtime = (r.u64()?, r.u64()?);
    let ctime = (r.u64()?, r.u64()?);
    // btime, gen, data_version: not in struct stat.
    for _ in 0..4 {
        r.u64()?;
    }
    r.end()?;
    Ok(Attr { qid, mode, uid, gid, nlink, rdev, size, blksize, blocks, atime, mtime, ctime })
}

/// One Rreaddir entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dirent {
    pub qid: Qid,
    /// The offset to read on from, after this entry.
    pub offset: u64,
    /// The d_type (DT_*).
    pub kind: u8,
    pub name: String,
}

/// The entries of Rreaddir's data.
pub fn dirents(mut data: &[u8]) -> Result<Vec<Dirent>, ReplyError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let mut r = Reader { buf: data, at: 0 };
        out.push(Dirent { qid: r.qid()?, offset: r.u64()?, kind: r.u8()?, name: r.str()? });
        data = &data[r.at..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An R-message of `kind` with `tag` and `body`.
    fn rmsg(kind: u8, tag: u16, body: &[u8]) -> Vec<u8> {
        Tmessage::new(kind, tag).bytes(body).finish()
    }

    fn qid_bytes(kind: u8, version: u32, path: u64) -> Vec<u8> {
        let mut b = vec![kind];
        b.extend_from_slice(&version.to_le_bytes());
        b.extend_from_slice(&path.to_le_bytes());
        b
    }

    #[test]
    fn tversion_is_laid_out_as_9p_says() {
        let m = tversion(65536 + 4096);
        let mut want = vec![];
        want.extend_from_slice(&21u32.to_le_bytes());
        want.push(TVERSION);
        want.extend_from_slice(&[0xff, 0xff]);
        want.extend_from_slice(&69632u32.to_le_bytes());
        want.extend_from_slice(&8u16.to_le_bytes());
        want.extend_from_slice(b"9P2000.L");
        assert_eq!(m, want);
    }

    #[test]
    fn twalk_carries_each_name_as_a_string() {
        let m = twalk(3, 1, 2, &["usr", "lib"]);
        assert_eq!(&m[4..7], &[TWALK, 3, 0]);
        assert_eq!(&m[7..15], &[1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(&m[15..17], &[2, 0]);
        assert_eq!(&m[17..], b"\x03\x00usr\x03\x00lib");
        assert_eq!(u32::from_le_bytes(m[..4].try_into().unwrap()) as usize, m.len());
    }

    #[test]
    fn twrite_puts_count_then_data() {
        let m = twrite(1, 7, 0x1_0000_0002, b"hi");
        assert_eq!(m.len(), IOHDRSZ + 2);
        assert_eq!(&m[11..19], &0x1_0000_0002u64.to_le_bytes());
        assert_eq!(&m[19..23], &2u32.to_le_bytes());
        assert_eq!(&m[23..], b"hi");
    }

    #[test]
    fn tsetattr_size_has_every_field() {
        // fid valid mode uid gid size atime(2) mtime(2): 4*5 + 8*5.
        let m = tsetattr_size(1, 4, 99);
        assert_eq!(m.len(), HEADER + 20 + 40);
        assert_eq!(&m[11..15], &SETATTR_SIZE.to_le_bytes());
        assert_eq!(&m[27..35], &99u64.to_le_bytes());
    }

    #[test]
    fn rversion_round_trip() {
        let mut body = 8192u32.to_le_bytes().to_vec();
        body.extend_from_slice(b"\x08\x009P2000.L");
        assert_eq!(rversion(&rmsg(TVERSION + 1, NOTAG, &body)), Ok((8192, String::from(VERSION))));
    }

    #[test]
    fn rlerror_gives_the_servers_errno() {
        let m = rmsg(RLERROR, 5, &30u32.to_le_bytes());
        assert_eq!(rempty(&m, TCLUNK, 5), Err(ReplyError::Server(30)));
    }

    #[test]
    fn a_wrong_tag_type_or_size_is_malformed() {
        let good = rmsg(TCLUNK + 1, 5, &[]);
        assert_eq!(rempty(&good, TCLUNK, 5), Ok(()));
        assert_eq!(rempty(&good, TCLUNK, 6), Err(ReplyError::Malformed));
        assert_eq!(rempty(&good, TWALK, 5), Err(ReplyError::Malformed));
        assert_eq!(rempty(&rmsg(TCLUNK + 1, 5, &[0]), TCLUNK, 5), Err(ReplyError::Malformed));
        let mut long_size = good.clone();
        long_size[0] = 200;
        assert_eq!(rempty(&long_size, TCLUNK, 5), Err(ReplyError::Malformed));
        assert_eq!(rempty(&good[..3], TCLUNK, 5), Err(ReplyError::Malformed));
        assert_eq!(rempty(&[], TCLUNK, 5), Err(ReplyError::Malformed));
    }

    #[test]
    fn rwalk_reads_qids_and_refuses_more_than_asked() {
        let mut body = 2u16.to_le_bytes().to_vec();
        body.extend(qid_bytes(QTDIR, 0, 10));
        body.extend(qid_bytes(QTSYMLINK, 1, 11));
        let m = rmsg(TWALK + 1, 2, &body);
        let qids = rwalk(&m, 2, 2).unwrap();
        assert!(qids[0].is_dir() && qids[1].is_symlink() && qids[1].path == 11);
        assert_eq!(rwalk(&m, 2, 1), Err(ReplyError::Malformed));
        assert_eq!(rwalk(&m[..m.len() - 1], 2, 2), Err(ReplyError::Malformed));
    }

    #[test]
    fn rread_data_longer_than_asked_is_malformed() {
        let mut body = 3u32.to_le_bytes().to_vec();
        body.extend_from_slice(b"abc");
        let m = rmsg(TREAD + 1, 1, &body);
        assert_eq!(rdata(&m, TREAD, 1, 3), Ok(&b"abc"[..]));
        assert_eq!(rdata(&m, TREAD, 1, 2), Err(ReplyError::Malformed));
        let mut lying = m.clone();
        lying[7] = 9;
        assert_eq!(rdata(&lying, TREAD, 1, 100), Err(ReplyError::Malformed));
    }

    #[test]
    fn rgetattr_fields_in_order() {
        let mut body = GETATTR_BASIC.to_le_bytes().to_vec();
        body.extend(qid_bytes(0, 0, 77));
        for v in [0o100644u32, 1000, 1000] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        for v in [1u64, 0, 12345, 4096, 32, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        let a = rgetattr(&rmsg(TGETATTR + 1, 9, &body), 9).unwrap();
        assert_eq!((a.qid.path, a.mode, a.uid, a.size, a.blocks), (77, 0o100644, 1000, 12345, 32));
        assert_eq!((a.atime, a.mtime, a.ctime), ((1, 2), (3, 4), (5, 6)));
        assert_eq!(rgetattr(&rmsg(TGETATTR + 1, 9, &body[..body.len() - 8]), 9), Err(ReplyError::Malformed));
    }

    #[test]
    fn dirents_parse_and_stop_at_a_cut_entry() {
        let mut data = qid_bytes(QTDIR, 0, 1);
        data.extend_from_slice(&5u64.to_le_bytes());
        data.push(4);
        data.extend_from_slice(b"\x03\x00sub");
        let e = dirents(&data).unwrap();
        assert_eq!(e, vec![Dirent { qid: Qid { kind: QTDIR, version: 0, path: 1 }, offset: 5, kind: 4, name: "sub".into() }]);
        assert_eq!(dirents(&data[..data.len() - 1]), Err(ReplyError::Malformed));
    }

    #[test]
    fn names_that_are_not_utf8_are_malformed() {
        let m = rmsg(TREADLINK + 1, 1, b"\x02\x00\xff\xfe");
        assert_eq!(rreadlink(&m, 1), Err(ReplyError::Malformed));
        assert_eq!(rreadlink(&rmsg(TREADLINK + 1, 1, b"\x02\x00ab"), 1), Ok(String::from("ab")));
    }
}
