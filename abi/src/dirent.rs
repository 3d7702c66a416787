//! `struct linux_dirent64`, the records `getdents64` fills a buffer with
//! (include/linux/dirent.h): `d_ino` u64, `d_off` i64, `d_reclen` u16,
//! `d_type` u8, then the NUL-terminated name at offset 19; each record is
//! padded to a multiple of 8 bytes. [`put`] writes one (the kernel) and
//! [`Records`] reads them back (user programs).

/// `d_type` values (include/linux/fs_types.h).
pub const DT_UNKNOWN: u8 = 0;
pub const DT_FIFO: u8 = 1;
pub const DT_CHR: u8 = 2;
pub const DT_DIR: u8 = 4;
pub const DT_BLK: u8 = 6;
pub const DT_REG: u8 = 8;
pub const DT_LNK: u8 = 10;
pub const DT_SOCK: u8 = 12;

/// Offset of `d_name` in a record.
pub const NAME_OFFSET: usize = 19;

/// The fixed part of a record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dirent64 {
    pub d_ino: u64,
    /// Where the next `getdents64` continues (the directory offset after this entry).
    pub d_off: i64,
    pub d_reclen: u16,
    pub d_type: u8,
}

/// The length of the record for a name of `name_len` bytes.
pub const fn reclen(name_len: usize) -> usize {
    (NAME_OFFSET + name_len + 1 + 7) & !7
}

/// Writes one record at the start of `buf`; returns its length, or `None`
/// when it does not fit (then `getdents64` stops, or fails with `EINVAL` if
/// not even the first entry fits).
pub fn put(buf: &mut [u8], ino: u64, off: i64, d_type: u8, name: &[u8]) -> Option<usize> {
    let len = reclen(name.len());
    let rec = buf.get_mut(..len)?;
    rec[0..8].copy_from_slice(&ino.to_ne_bytes());
    rec[8..16].copy_from_slice(&off.to_ne_bytes());
    rec[16..18].copy_from_slice(&(len as u16).to_ne_bytes());
    rec[18] = d_type;
    rec[NAME_OFFSET..NAME_OFFSET + name.len()].copy_from_slice(name);
    rec[NAME_OFFSET + name.len()..].fill(0);
    Some(len)
}

/// The records in the bytes one `getdents64` returned; stops at the first
/// malformed record.
pub struct Records<'a> {
    buf: &'a [u8],
}

impl<'a> Records<'a> {
    pub fn new(buf: &'a [u8]) -> Records<'a> {
        Records { buf }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (Dirent64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let head = self.buf.get(..NAME_OFFSET)?;
        let d = Dirent64 {
            d_ino: u64::from_ne_bytes(head[0..8].try_into().ok()?),
            d_off: i64::from_ne_bytes(head[8..16].try_into().ok()?),
            d_reclen: u16::from_ne_bytes(head[16..18].try_into().ok()?),
            d_type: head[18],
        };
        let rec = self.buf.get(..d.d_reclen as usize).filter(|r| r.len() > NAME_OFFSET)?;
        let name = &rec[NAME_OFFSET..];
        let name = &name[..name.iter().position(|&b| b == 0)?];
        self.buf = &self.buf[rec.len()..];
        Some((d, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read() {
        let mut buf = [0xffu8; 64];
        let a = put(&mut buf, 7, 1, DT_DIR, b".").unwrap();
        let b = put(&mut buf[a..], 9, 2, DT_REG, b"hello.txt").unwrap();
        assert_eq!((a, b), (24, 32));
        assert_eq!(put(&mut buf[a + b..], 1, 3, DT_REG, b"x"), None, "8 bytes left");
        let got: Vec<_> = Records::new(&buf[..a + b]).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, Dirent64 { d_ino: 7, d_off: 1, d_reclen: 24, d_type: DT_DIR });
        assert_eq!(got[1].1, b"hello.txt");
        assert_eq!(reclen(4), 24);
        assert_eq!(reclen(5), 32, "19 + 5 + NUL = 25, padded");
    }

    #[test]
    fn malformed_records_end_iteration() {
        let mut buf = [0u8; 24];
        put(&mut buf, 1, 1, DT_REG, b"a").unwrap();
        buf[16] = 200; // d_reclen past the end
        assert_eq!(Records::new(&buf).count(), 0);
        assert_eq!(Records::new(&buf[..10]).count(), 0);
    }
}
