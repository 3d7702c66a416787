//! Block devices: /dev/vda, /dev/vdb, ... over the virtio-blk driver. Reads
//! and writes at any offset and length go through a page-sized bounce frame
//! in whole sectors (a partial sector is read, changed and written back), as
//! Linux's block-device files do without O_DIRECT.

use crate::drivers::virtio::blk::{self, Op, SECTOR_SIZE};
use crate::mm::frame::Frame;
use sv39_abi::Errno;
use sv39_arch::sv39::PAGE_SIZE;

/// The device number of disk `n`: Linux's virtblk major (254 as the first
/// dynamic major) with 16 minors a disk.
pub fn rdev(n: usize) -> u64 {
    (254 << 8) | (16 * n as u64)
}

/// The size of disk `n` in bytes.
pub fn capacity(n: usize) -> u64 {
    blk::geometry(n).map_or(0, |(bytes, _)| bytes)
}

/// Whether disk `n` was attached read-only (`VIRTIO_BLK_F_RO`).
pub fn readonly(n: usize) -> bool {
    blk::geometry(n).is_some_and(|(_, ro)| ro)
}

/// The sector-aligned span of at most a page around `pos`: (start, length).
fn span(pos: u64, cap: u64) -> (u64, u64) {
    let start = pos & !(SECTOR_SIZE - 1);
    (start, PAGE_SIZE.min(cap - start))
}

fn io(n: usize, op: Op, start: u64, frame: &Frame, len: u64) -> Result<(), Errno> {
    blk::transfer(n, op, start / SECTOR_SIZE, frame.pa().as_u64(), len as u32)
}

/// `pread` of disk `n`: short at the end of the disk, 0 past it.
pub fn read_at(n: usize, off: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    let cap = capacity(n);
    let want = (buf.len() as u64).min(cap.saturating_sub(off)) as usize;
    let frame = Frame::alloc().map_err(|_| Errno::ENOMEM)?;
    let mut done = 0;
    while done < want {
        let pos = off + done as u64;
        let (start, len) = span(pos, cap);
        if let Err(e) = io(n, Op::Read, start, &frame, len) {
            return if done > 0 { Ok(done) } else { Err(e) };
        }
        let within = (pos - start) as usize;
        let k = (len as usize - within).min(want - done);
        buf[done..done + k].copy_from_slice(&frame.bytes()[within..within + k]);
        done += k;
    }
    Ok(done)
}

/// `pwrite` of disk `n`: ENOSPC at its end.
pub fn write_at(n: usize, off: u64, data: &[u8]) -> Result<usize, Errno> {
    let cap = capacity(n);
    if off >= cap && !data.is_empty() {
        return Err(Errno::ENOSPC);
    }
    let want = (data.len() as u64).min(cap - off.min(cap)) as usize;
    let mut frame = Frame::alloc().map_err(|_| Errno::ENOMEM)?;
    let mut done = 0;
    while done < want {
        let pos = off + done as u64;
        let (start, len) = span(pos, cap);
        let within = (pos - start) as usize;
        let k = (len as usize - within).min(want - done);
        // A partial span keeps the bytes around the write.
        let partial = within != 0 || k != len as usize;
        let step = (|| {
            if partial {
                io(n, Op::Read, start, &frame, len)?;
            }
            frame.bytes_mut()[within..within + k].copy_from_slice(&data[done..done + k]);
            io(n, Op::Write, start, &frame, len)
        })();
        if let Err(e) = step {
            return if done > 0 { Ok(done) } else { Err(e) };
        }
        done += k;
    }
    Ok(done)
}

/// `fsync`: the device's write cache to the medium.
pub fn flush(n: usize) -> Result<(), Errno> {
    blk::transfer(n, Op::Flush, 0, 0, 0)
}
