//! `mmapfile`: a file mapped into memory. Through a `MAP_SHARED` mapping,
//! memory and the file are the same bytes: what the program stores is what
//! `read()` returns, at once (one page cache behind both), and what
//! `write()` puts in the file shows in memory; `msync` writes it back. A
//! `MAP_PRIVATE` mapping of the same file starts with the same bytes, but
//! its writes are copied pages of its own: the file never sees them.
//! Works on a two-page file in /tmp, removed at the end. Exits 0 when each
//! of those held.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::vec::Vec;
use sv39_rt::abi::fcntl::{O_CREAT, O_RDWR, O_TRUNC, SEEK_SET};
use sv39_rt::abi::mman::{MAP_PRIVATE, MAP_SHARED, MS_SYNC, PROT_READ, PROT_WRITE};
use sv39_rt::check::Checks;
use sv39_rt::fs::{cstring, Fd};
use sv39_rt::io::write_all;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::procfs::Maps;
use sv39_rt::{abi::fcntl::AT_FDCWD, eprintln, println, sys, Args, Errno};

sv39_rt::entry!(main);

const LEN: usize = 2 * PAGE;
/// What each party writes, and where.
const VIA_MEMORY: (usize, &[u8]) = (PAGE - 8, b"stored through MAP_SHARED memory");
const VIA_WRITE: (usize, &[u8]) = (200, b"written with write()");
const VIA_PRIVATE: (usize, &[u8]) = (300, b"stored through MAP_PRIVATE memory");

/// The file's whole contents, read with read() from offset 0.
fn contents(fd: &Fd) -> Result<Vec<u8>, Errno> {
    sys::lseek(fd.raw(), 0, SEEK_SET)?;
    fd.read_to_end()
}

/// `write()` of `bytes` at `offset`.
fn pwrite(fd: &Fd, offset: usize, bytes: &[u8]) -> Result<(), Errno> {
    sys::lseek(fd.raw(), offset as i64, SEEK_SET)?;
    write_all(fd.raw(), bytes)
}

fn holds(data: &[u8], (offset, bytes): (usize, &[u8])) -> bool {
    data.get(offset..offset + bytes.len()) == Some(bytes)
}

/// Prints the maps line of `map` (as the kernel shows it); returns whether
/// it says shared (`s`), or `None` when the mapping is not listed.
fn show_maps_line(what: &str, map: &Mmap) -> Option<bool> {
    let maps = Maps::read(None).ok()?;
    println!("{what} {}", maps.line(map.addr())?);
    maps.find(map.addr()).map(|m| m.shared())
}

/// The shared mapping: stores reach read(), write()s reach memory.
fn shared(c: &mut Checks, fd: &Fd) -> Result<Mmap, Errno> {
    let map = Mmap::new(LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd.raw(), 0)?;
    let listed = show_maps_line("MAP_SHARED: ", &map);
    c.check(listed == Some(true), format_args!("/proc/self/maps lists the mapping as shared (s)"));
    c.check(map.read_bytes(0, LEN) == contents(fd)?, format_args!("memory holds the file's {LEN} bytes"));
    map.write_bytes(VIA_MEMORY.0, VIA_MEMORY.1);
    let seen = holds(&contents(fd)?, VIA_MEMORY);
    c.check(seen, format_args!("read() returns what was stored in memory across the page boundary, before any msync"));
    c.check(sys::msync(map.addr(), LEN, MS_SYNC).is_ok(), format_args!("msync(MS_SYNC) succeeds"));
    pwrite(fd, VIA_WRITE.0, VIA_WRITE.1)?;
    let seen = holds(&map.read_bytes(0, LEN), VIA_WRITE);
    c.check(seen, format_args!("memory shows what write() put in the file, at once"));
    Ok(map)
}

/// The private mapping: its stores stay in its own copies.
fn private(c: &mut Checks, fd: &Fd, shared: &Mmap) -> Result<(), Errno> {
    let map = Mmap::new(LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd.raw(), 0)?;
    let listed = show_maps_line("MAP_PRIVATE:", &map);
    c.check(listed == Some(false), format_args!("/proc/self/maps lists the mapping as private (p)"));
    c.check(map.read_bytes(0, LEN) == contents(fd)?, format_args!("a private mapping starts with the file's bytes"));
    map.write_bytes(VIA_PRIVATE.0, VIA_PRIVATE.1);
    c.check(holds(&map.read_bytes(0, LEN), VIA_PRIVATE), format_args!("the private mapping holds its store"));
    c.check(!holds(&contents(fd)?, VIA_PRIVATE), format_args!("read() does not see the private store"));
    c.check(!holds(&shared.read_bytes(0, LEN), VIA_PRIVATE), format_args!("the shared mapping does not see it either"));
    Ok(())
}

fn run(c: &mut Checks, path: &str) -> Result<(), Errno> {
    let fd = Fd::open(path.as_bytes(), O_RDWR | O_CREAT | O_TRUNC, 0o600)?;
    let mut original = alloc::vec![b'.'; LEN];
    original[..25].copy_from_slice(b"mmapfile: the original.\n\n");
    write_all(fd.raw(), &original)?;
    println!("mmapfile: {path}, {LEN} bytes");
    let map = shared(c, &fd)?;
    private(c, &fd, &map)?;
    drop(map);
    drop(fd);
    let data = sv39_rt::fs::read_file(path.as_bytes())?;
    let kept = holds(&data, VIA_MEMORY) && holds(&data, VIA_WRITE) && !holds(&data, VIA_PRIVATE);
    c.check(kept, format_args!("after munmap and close the file keeps the shared stores, not the private one"));
    Ok(())
}

fn main(_args: Args) -> i32 {
    let path = format!("/tmp/mmapfile-{}", sys::getpid());
    let mut c = Checks::new();
    let r = run(&mut c, &path);
    let _ = cstring(path.as_bytes()).map(|p| sys::unlinkat(AT_FDCWD, &p, 0));
    if let Err(e) = r {
        eprintln!("mmapfile: {e}");
        return 1;
    }
    c.finish("mmapfile")
}
