//! A reader for cpio "newc" archives (magic `070701`, or `070702` with
//! checksums), the initramfs format of Linux and of `cpio -o -H newc`.
//!
//! Each entry is a 110-byte ASCII header of thirteen 8-digit hex fields, the
//! NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; the
//! entry named `TRAILER!!!` ends the archive.

const HEADER_LEN: usize = 110;
const TRAILER: &str = "TRAILER!!!";

/// One member of the archive.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The path as stored, without a leading `./` or `/`.
    pub name: &'a str,
    /// `st_mode`: file type (`S_IFMT` bits of sv39_abi::stat) and permissions.
    pub mode: u32,
    pub data: &'a [u8],
}

/// Why the archive could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpioError {
    /// The header at this offset has no newc magic or a bad hex field.
    BadHeader(usize),
    /// The entry at this offset runs past the end of the archive.
    Truncated(usize),
    /// The name of the entry at this offset is not UTF-8.
    BadName(usize),
}

/// Iterates over the entries of a newc archive.
pub struct Reader<'a> {
    archive: &'a [u8],
    offset: usize,
    done: bool,
}

impl<'a> Reader<'a> {
    pub fn new(archive: &'a [u8]) -> Self {
        Reader { archive, offset: 0, done: false }
    }

    /// The entry at the current offset, advancing past it.
    fn next_entry(&mut self) -> Result<Option<Entry<'a>>, CpioError> {
        let at = self.offset;
        let header = self.archive.get(at..at + HEADER_LEN).ok_or(CpioError::Truncated(at))?;
        if &header[..6] != b"070701" && &header[..6] != b"070702" {
            return Err(CpioError::BadHeader(at));
        }
        let mode = hex_field(header, 1).ok_or(CpioError::BadHeader(at))?;
        let filesize = hex_field(header, 6).ok_or(CpioError::BadHeader(at))? as usize;
        let namesize = hex_field(header, 11).ok_or(CpioError::BadHeader(at))? as usize;
        let name_start = at + HEADER_LEN;
        let name_bytes = self.archive.get(name_start..name_start + namesize).ok_or(CpioError::Truncated(at))?;
        let name_bytes = name_bytes.strip_suffix(&[0]).unwrap_or(name_bytes);
        let name = core::str::from_utf8(name_bytes).map_err(|_| CpioError::BadName(at))?;
        let data_start = align4(name_start + namesize);
        let data = self.archive.get(data_start..data_start + filesize).ok_or(CpioError::Truncated(at))?;
        self.offset = align4(data_start + filesize);
        if name == TRAILER {
            return Ok(None);
        }
        Ok(Some(Entry { name: strip_root(name), mode, data }))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Entry<'a>, CpioError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.next_entry();
        if !matches!(item, Ok(Some(_))) {
            self.done = true;
        }
        item.transpose()
    }
}

const fn align4(x: usize) -> usize {
    (x + 3) & !3
}

/// Field `n` of a header (0 = c_ino, 1 = c_mode, 6 = c_filesize,
/// 11 = c_namesize): eight hex digits each, after the 6-byte magic.
fn hex_field(header: &[u8], n: usize) -> Option<u32> {
    let start = 6 + n * 8;
    let digits = core::str::from_utf8(&header[start..start + 8]).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// `./bin/init`, `/bin/init` and `bin/init` all name `bin/init`; `.` is the root.
fn strip_root(name: &str) -> &str {
    let name = name.trim_start_matches("./").trim_start_matches('/');
    if name == "." {
        ""
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;
    use sv39_abi::stat::{S_IFDIR, S_IFMT, S_IFREG};

    /// One newc member, as `cpio -o -H newc` writes it.
    fn member(out: &mut Vec<u8>, name: &str, mode: u32, data: &[u8]) {
        let fields = [1, mode, 0, 0, 1, 0, data.len() as u32, 0, 0, 0, 0, name.len() as u32 + 1, 0];
        out.extend_from_slice(b"070701");
        for f in fields {
            out.extend_from_slice(format!("{f:08X}").as_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
        out.extend_from_slice(data);
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
    }

    fn archive() -> Vec<u8> {
        let mut a = Vec::new();
        member(&mut a, ".", S_IFDIR | 0o755, b"");
        member(&mut a, "./bin", S_IFDIR | 0o755, b"");
        member(&mut a, "./bin/init", S_IFREG | 0o755, b"\x7fELF12345");
        member(&mut a, "etc/motd", S_IFREG | 0o644, b"hi\n");
        member(&mut a, TRAILER, 0, b"");
        a
    }

    #[test]
    fn reads_every_entry_until_the_trailer() {
        let a = archive();
        let entries: Vec<_> = Reader::new(&a).collect::<Result<_, _>>().unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.name).collect();
        assert_eq!(names, ["", "bin", "bin/init", "etc/motd"]);
        assert_eq!(entries[2].data, b"\x7fELF12345");
        assert_eq!(entries[2].mode & S_IFMT, S_IFREG);
        assert_eq!(entries[1].mode & S_IFMT, S_IFDIR);
        assert_eq!(entries[3].data, b"hi\n");
    }

    #[test]
    fn truncation_and_bad_magic_are_errors() {
        let a = archive();
        let cut = &a[..a.len() - 200];
        let last = Reader::new(cut).last().unwrap();
        assert!(matches!(last, Err(CpioError::Truncated(_))), "{last:?}");
        let mut bad = a.clone();
        bad[0] = b'1';
        assert_eq!(Reader::new(&bad).next(), Some(Err(CpioError::BadHeader(0))));
        assert_eq!(Reader::new(&[]).next(), Some(Err(CpioError::Truncated(0))));
    }

    #[test]
    fn bad_hex_is_an_error_not_a_panic() {
        let mut a = archive();
        a[6 + 6 * 8] = b'z'; // a digit of c_filesize
        assert_eq!(Reader::new(&a).next(), Some(Err(CpioError::BadHeader(0))));
    }
}
