//! A writer of cpio "newc" archives, the initramfs format of Linux, QEMU's
//! `-initrd` and `cpio -o -H newc` (the kernel engineer's reader is
//! guest-os/src/fs/cpio.rs).
//!
//! Each entry: the magic `070701`, thirteen 8-digit hex fields (ino, mode,
//! uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
//! rdevminor, namesize with its NUL, check), the name and a NUL padded to 4
//! bytes, then the data padded to 4 bytes. `TRAILER!!!` ends the archive.
//! Names are relative (`bin/init`), as `find . | cpio -o` without `./`.

use std::collections::BTreeSet;

const MAGIC: &str = "070701";
const TRAILER: &str = "TRAILER!!!";
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFREG: u32 = 0o100000;

/// An archive being written; directories are added before their contents.
#[derive(Default)]
pub struct Archive {
    out: Vec<u8>,
    next_ino: u32,
    dirs: BTreeSet<String>,
}

impl Archive {
    pub fn new() -> Archive {
        Archive { next_ino: 1, ..Archive::default() }
    }

    /// Adds directory `path` (and its parents) with mode 0755, once.
    pub fn dir(&mut self, path: &str) {
        let path = path.trim_matches('/');
        if path.is_empty() || self.dirs.contains(path) {
            return;
        }
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.dir(parent);
        }
        self.dirs.insert(path.to_string());
        self.entry(path, S_IFDIR | 0o755, 2, &[]);
    }

    /// Adds regular file `path` with permission bits `perm` (its directories
    /// first).
    pub fn file(&mut self, path: &str, perm: u32, data: &[u8]) {
        let path = path.trim_matches('/');
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.dir(parent);
        }
        self.entry(path, S_IFREG | (perm & 0o7777), 1, data);
    }

    /// Ends the archive.
    pub fn finish(mut self) -> Vec<u8> {
        self.entry(TRAILER, 0, 1, &[]);
        self.out
    }

    fn entry(&mut self, name: &str, mode: u32, nlink: u32, data: &[u8]) {
        let ino = if name == TRAILER { 0 } else { self.next_ino };
        self.next_ino += 1;
        let fields = [ino, mode, 0, 0, nlink, 0, data.len() as u32, 0, 0, 0, 0, name.len() as u32 + 1, 0];
        self.out.extend_from_slice(MAGIC.as_bytes());
        for f in fields {
            self.out.extend_from_slice(format!("{f:08X}").as_bytes());
        }
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(0);
        self.pad();
        self.out.extend_from_slice(data);
        self.pad();
    }

    fn pad(&mut self) {
        self.out.resize(self.out.len().next_multiple_of(4), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, mode, data) of each entry, read back with the layout above.
    fn parse(mut a: &[u8]) -> Vec<(String, u32, Vec<u8>)> {
        let field = |h: &[u8], i: usize| {
            u32::from_str_radix(std::str::from_utf8(&h[6 + 8 * i..14 + 8 * i]).unwrap(), 16).unwrap()
        };
        let mut entries = Vec::new();
        let mut offset = 0;
        loop {
            assert_eq!(&a[..6], MAGIC.as_bytes(), "magic at offset {offset}");
            let (mode, size, namesize) = (field(a, 1), field(a, 6) as usize, field(a, 11) as usize);
            let name = std::str::from_utf8(&a[110..110 + namesize - 1]).unwrap().to_string();
            assert_eq!(a[110 + namesize - 1], 0, "NUL after the name");
            let data_at = (110 + namesize).next_multiple_of(4);
            let next = (data_at + size).next_multiple_of(4);
            if name == TRAILER {
                assert_eq!(next, a.len(), "nothing after the trailer");
                return entries;
            }
            entries.push((name, mode, a[data_at..data_at + size].to_vec()));
            offset += next;
            a = &a[next..];
        }
    }

    #[test]
    fn round_trip() {
        let mut ar = Archive::new();
        ar.file("/bin/init", 0o755, b"\x7fELF...");
        ar.file("bin/hello", 0o755, b"12345");
        ar.dir("dev/shm");
        ar.file("etc/motd", 0o644, b"");
        let bytes = ar.finish();
        assert_eq!(bytes.len() % 4, 0);
        let names: Vec<_> = parse(&bytes).iter().map(|e| (e.0.clone(), e.1)).collect();
        assert_eq!(
            names,
            [
                ("bin".into(), 0o40755),
                ("bin/init".into(), 0o100755),
                ("bin/hello".into(), 0o100755),
                ("dev".into(), 0o40755),
                ("dev/shm".into(), 0o40755),
                ("etc".into(), 0o40755),
                ("etc/motd".into(), 0o100644),
            ]
        );
        assert_eq!(parse(&bytes)[2].2, b"12345");
    }

    #[test]
    fn header_is_newc() {
        let mut ar = Archive::new();
        ar.file("a", 0o644, b"xy");
        let bytes = ar.finish();
        // 110-byte header, "a\0" padded to 112, "xy" padded to 116.
        assert_eq!(&bytes[..14], b"07070100000001");
        assert_eq!(&bytes[14..22], b"000081A4", "mode: regular file 0644");
        assert_eq!(&bytes[110..116], b"a\0xy\0\0");
        assert_eq!(&bytes[116..122], MAGIC.as_bytes());
    }

    /// GNU cpio lists what we wrote (when it is installed).
    #[test]
    fn cpio_reads_it() {
        let mut ar = Archive::new();
        ar.file("bin/init", 0o755, b"init");
        ar.file("bin/sh", 0o755, b"sh");
        let path = std::env::temp_dir().join(format!("sv39-initramfs-{}.cpio", std::process::id()));
        std::fs::write(&path, ar.finish()).unwrap();
        let out = std::process::Command::new("cpio").args(["-t", "-F"]).arg(&path).output();
        std::fs::remove_file(&path).unwrap();
        match out {
            Ok(out) => {
                assert!(out.status.success(), "cpio -t: {}", String::from_utf8_lossy(&out.stderr));
                assert_eq!(String::from_utf8_lossy(&out.stdout), "bin\nbin/init\nbin/sh\n");
            }
            Err(e) if std::env::var_os("CI").is_none() => eprintln!("skipped: cannot run cpio ({e})"),
            Err(e) => panic!("cpio is needed in CI: {e}"),
        }
    }
}
