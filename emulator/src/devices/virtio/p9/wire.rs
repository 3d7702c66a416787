//! 9P2000.L wire encoding (Linux's net/9p/protocol.c, QEMU's hw/9pfs/9p.c):
//! little-endian integers, strings as `len[2] bytes` (no NUL), qids as
//! `type[1] version[4] path[8]`; every message `size[4] type[1] tag[2] ...`.

/// Message types (Linux include/net/9p/9p.h); each R-message is its T + 1.
pub mod msg {
    pub const RLERROR: u8 = 7;
    pub const TSTATFS: u8 = 8;
    pub const TLOPEN: u8 = 12;
    pub const TLCREATE: u8 = 14;
    pub const TSYMLINK: u8 = 16;
    pub const TMKNOD: u8 = 18;
    pub const TRENAME: u8 = 20;
    pub const TREADLINK: u8 = 22;
    pub const TGETATTR: u8 = 24;
    pub const TSETATTR: u8 = 26;
    pub const TXATTRWALK: u8 = 30;
    pub const TXATTRCREATE: u8 = 32;
    pub const TREADDIR: u8 = 40;
    pub const TFSYNC: u8 = 50;
    pub const TLOCK: u8 = 52;
    pub const TGETLOCK: u8 = 54;
    pub const TLINK: u8 = 70;
    pub const TMKDIR: u8 = 72;
    pub const TRENAMEAT: u8 = 74;
    pub const TUNLINKAT: u8 = 76;
    pub const TVERSION: u8 = 100;
    pub const TATTACH: u8 = 104;
    pub const TFLUSH: u8 = 108;
    pub const TWALK: u8 = 110;
    pub const TREAD: u8 = 116;
    pub const TWRITE: u8 = 118;
    pub const TCLUNK: u8 = 120;
}

/// size[4] type[1] tag[2].
pub const HEADER_LEN: usize = 7;
pub const QID_LEN: usize = 13;

/// Qid types (9P: the high bits of a file's mode).
pub const QTDIR: u8 = 0x80;
pub const QTSYMLINK: u8 = 0x02;
pub const QTFILE: u8 = 0;

/// The server's unique name of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Qid {
    pub kind: u8,
    pub version: u32,
    pub path: u64,
}

/// A T-message body was shorter than its fields: EPROTO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Short;

/// Reads the fields of a message body in order.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Short> {
        if n > self.buf.len() {
            return Err(Short);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, Short> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, Short> {
        Ok(u16::from_le_bytes(self.bytes(2)?.try_into().unwrap()))
    }

    pub fn u32(&mut self) -> Result<u32, Short> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().unwrap()))
    }

    pub fn u64(&mut self) -> Result<u64, Short> {
        Ok(u64::from_le_bytes(self.bytes(8)?.try_into().unwrap()))
    }

    /// A string: `len[2]` then its bytes.
    pub fn str(&mut self) -> Result<&'a [u8], Short> {
        let n = self.u16()?;
        self.bytes(usize::from(n))
    }
}

/// Builds an R-message in a reused buffer: `start` writes the header,
/// `finish` its size.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn start(&mut self, kind: u8, tag: u16) {
        self.buf.clear();
        self.buf.extend_from_slice(&[0; 4]);
        self.u8(kind).u16(tag);
    }

    pub fn finish(&mut self) -> &[u8] {
        let size = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&size.to_le_bytes());
        &self.buf
    }

    pub fn u8(&mut self, v: u8) -> &mut Writer {
        self.buf.push(v);
        self
    }

    pub fn u16(&mut self, v: u16) -> &mut Writer {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Writer {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Writer {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A string; callers keep it under 64 KiB (names, link targets).
    pub fn str(&mut self, s: &[u8]) -> &mut Writer {
        self.u16(s.len() as u16);
        self.buf.extend_from_slice(s);
        self
    }

    pub fn qid(&mut self, q: Qid) -> &mut Writer {
        self.u8(q.kind).u32(q.version).u64(q.path)
    }

    /// Bytes written so far, the header included.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn data(&mut self, d: &[u8]) -> &mut Writer {
        self.buf.extend_from_slice(d);
        self
    }

    /// Overwrites the u32 at `at` (a count known only after its data).
    pub fn patch_u32(&mut self, at: usize, v: u32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_little_endian() {
        let mut w = Writer::default();
        w.start(msg::TVERSION + 1, 0xffff);
        w.u32(8192).str(b"9P2000.L").qid(Qid { kind: QTDIR, version: 7, path: 0x1122 });
        let m = w.finish().to_vec();
        assert_eq!(&m[..7], &[7 + 4 + 10 + 13, 0, 0, 0, 101, 0xff, 0xff]);
        let mut r = Reader::new(&m[7..]);
        assert_eq!(r.u32(), Ok(8192));
        assert_eq!(r.str(), Ok(&b"9P2000.L"[..]));
        assert_eq!(r.u8(), Ok(QTDIR));
        assert_eq!(r.u32(), Ok(7));
        assert_eq!(r.u64(), Ok(0x1122));
        assert_eq!(r.u8(), Err(Short));
        assert_eq!(Reader::new(&[5, 0, b'a']).str(), Err(Short), "a string longer than the message");
    }
}
