//! `disk [--readonly] [DEV]`: a virtio disk (default /dev/vda) seen as a
//! Linux block-device file. Prints the disk's size and an FNV-1a digest of
//! all its bytes (a host test computes the same digest of the image), read
//! by two processes at once, each sleeping while its requests are in
//! flight. Then writes across sector boundaries and at the disk's end, reads
//! back, fsyncs, and reads its figures in /proc/diskstats; the host test
//! finds the bytes in the image file.
//! With `--readonly` (a `--drive FILE,readonly` disk) it checks that opening
//! for writing fails with EROFS instead. Exits 0 when every check held.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use sv39_rt::abi::fcntl::{O_RDONLY, O_RDWR, SEEK_END, SEEK_SET};
use sv39_rt::abi::stat::{S_IFBLK, S_IFMT};
use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::check::Checks;
use sv39_rt::fs::{self, Fd};
use sv39_rt::{println, sys, Args, Errno};

sv39_rt::entry!(main);

/// Written at offset 1000: crosses from sector 1 into sector 2.
pub const MIDDLE: &[u8] = b"sv39 wrote this across a sector boundary";
/// Written so that it ends at the last byte of the disk.
pub const TAIL: &[u8] = b"END-OF-DISK";

fn main(args: Args) -> i32 {
    let readonly = args.str(1) == Some("--readonly");
    let dev = args.str(if readonly { 2 } else { 1 }).unwrap_or("/dev/vda");
    let mut c = Checks::new();
    match run(&mut c, dev, readonly) {
        Ok(()) => c.finish("disk"),
        Err(e) => {
            println!("disk: {dev}: {}", e.description());
            1
        }
    }
}

fn run(c: &mut Checks, dev: &str, readonly: bool) -> Result<(), Errno> {
    let st = fs::stat(dev.as_bytes())?;
    let (major, minor) = (st.st_rdev >> 8, st.st_rdev & 0xff);
    c.check(
        st.st_mode & S_IFMT == S_IFBLK,
        format_args!("{dev} is a block device (mode {:o}, rdev {major}:{minor})", st.st_mode),
    );
    let fd = Fd::open(dev.as_bytes(), if readonly { O_RDONLY } else { O_RDWR }, 0)?;
    let size = sys::lseek(fd.raw(), 0, SEEK_END)? as u64;
    println!("{dev}: {size} bytes ({} sectors)", size / 512);
    digest_twice(c, fd.raw(), size)?;
    if readonly {
        let w = Fd::open(dev.as_bytes(), O_RDWR, 0).map(|_| ());
        c.check(w == Err(Errno::EROFS), format_args!("opening a read-only disk for writing: {w:?} (EROFS)"));
        return Ok(());
    }
    write_and_read_back(c, fd.raw(), size)
}

/// The digest of the whole disk, from a child and the parent reading at once.
fn digest_twice(c: &mut Checks, fd: i32, size: u64) -> Result<(), Errno> {
    let pid = sys::fork()?;
    if pid == 0 {
        let d = digest(fd, size).unwrap_or(0);
        sys::exit_group(if d == 0 { 1 } else { (d % 200) as i32 + 1 });
    }
    let mine = digest(fd, size)?;
    let (_, status) = sys::wait4(pid as i32, 0)?;
    println!("digest: fnv1a64 {mine:016x}");
    let theirs = WIFEXITED(status).then(|| WEXITSTATUS(status));
    c.check(
        theirs == Some((mine % 200) as i32 + 1),
        format_args!("the child read the same bytes meanwhile ({theirs:?})"),
    );
    Ok(())
}

/// FNV-1a over the disk, read with pread in odd-sized pieces.
fn digest(fd: i32, size: u64) -> Result<u64, Errno> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = vec![0u8; 3000];
    let mut at = 0u64;
    while at < size {
        let n = sys::pread64(fd, &mut buf, at as i64)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        at += n as u64;
    }
    Ok(h)
}

fn write_and_read_back(c: &mut Checks, fd: i32, size: u64) -> Result<(), Errno> {
    sys::lseek(fd, 1000, SEEK_SET)?;
    let n = sys::write(fd, MIDDLE)?;
    let pos = sys::lseek(fd, 0, sv39_rt::abi::fcntl::SEEK_CUR)?;
    c.check(n == MIDDLE.len() && pos == 1000 + n, format_args!("write at 1000: {n} bytes, offset now {pos}"));
    let mut back = vec![0u8; MIDDLE.len() + 2];
    sys::pread64(fd, &mut back, 999)?;
    c.check(&back[1..=MIDDLE.len()] == MIDDLE, format_args!("read back across the sector boundary"));
    let short = sys::pwrite64(fd, TAIL, size as i64 - 3)?;
    c.check(short == 3, format_args!("write over the end: {short} of {} bytes", TAIL.len()));
    let past = sys::pwrite64(fd, b"x", size as i64);
    c.check(past == Err(Errno::ENOSPC), format_args!("write at the end of the disk: {past:?} (ENOSPC)"));
    let end = (size - TAIL.len() as u64) as i64;
    let n = sys::pwrite64(fd, TAIL, end)?;
    c.check(n == TAIL.len(), format_args!("write ending at the last byte: {n} bytes"));
    let mut one = [0u8; 8];
    let at_end = sys::pread64(fd, &mut one, size as i64)?;
    c.check(at_end == 0, format_args!("read at the end of the disk: {at_end} bytes"));
    let synced = sys::fsync(fd);
    c.check(synced == Ok(0), format_args!("fsync: {synced:?}"));
    diskstats(c)
}

/// The disk's line of /proc/diskstats: what the requests above did.
fn diskstats(c: &mut Checks) -> Result<(), Errno> {
    let text = fs::read_file(b"/proc/diskstats")?;
    let text = core::str::from_utf8(&text).unwrap_or("");
    let line = text.lines().find(|l| l.split_whitespace().nth(2) == Some("vda")).unwrap_or("");
    println!("diskstats: {}", line.trim());
    let field = |i: usize| line.split_whitespace().nth(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Three writes reached the disk (the middle, the short one, the tail),
    // each a read-modify-write of the sectors around it.
    let (reads, writes, in_flight) = (field(3), field(7), field(11));
    c.check(
        reads >= 3 && writes >= 3 && in_flight == 0,
        format_args!("/proc/diskstats: {reads} reads, {writes} writes, {in_flight} in flight"),
    );
    Ok(())
}
