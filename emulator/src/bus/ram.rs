//! Guest RAM: one anonymous host mapping, reserved lazily by the host kernel so
//! a large `--mem` costs nothing until the guest touches it. Harts reach it
//! through host pointers cached in their TLBs; the mapping never moves.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// RAM is made resident this much at a time, on the first store into it
/// (`prefault`).
const CHUNK: u64 = 256 << 10;

pub struct Ram {
    /// Kept for its Drop (unmapping); all access goes through `host`.
    _map: memmap2::MmapMut,
    host: *mut u8,
    base: u64,
    size: u64,
    /// One bit per `CHUNK`: made resident already (or tried).
    resident: Box<[AtomicU64]>,
}

impl Ram {
    pub fn new(base: u64, size: u64) -> io::Result<Ram> {
        // Plain host pages, no MADV_HUGEPAGE: huge pages spared the host TLB
        // (random reads over 256 MiB: 0.18-0.21 s user against 0.22-0.26 s),
        // but with Linux's default defrag=madvise every first touch of one
        // could stall in compaction (0.02-0.58 s of system time, run to run);
        // 4 KiB pages cost 0.10-0.14 s every time.
        let mut map = memmap2::MmapOptions::new().len(size as usize).map_anon()?;
        let host = map.as_mut_ptr();
        let resident = (0..size.div_ceil(CHUNK).div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
        Ok(Ram { _map: map, host, base, size, resident })
    }

    /// Makes the chunks holding RAM offsets [off, off + len) resident, the
    /// first time one of their pages is about to be written: one
    /// madvise(MADV_POPULATE_WRITE) takes about half the time of the 64
    /// page faults it saves (100 MiB: 28-30 ms against 44-65 ms). Advice
    /// only: where the host lacks it (Linux < 5.14), the pages fault in as
    /// before. Called where a TLB entry for stores is made, not per access.
    pub fn prefault(&self, off: usize, len: usize) {
        let chunks = off as u64 / CHUNK..((off + len) as u64).div_ceil(CHUNK);
        for chunk in chunks {
            let (word, bit) = (&self.resident[(chunk / 64) as usize], 1 << (chunk % 64));
            if word.load(Relaxed) & bit == 0 && word.fetch_or(bit, Relaxed) & bit == 0 {
                let start = chunk * CHUNK;
                let len = CHUNK.min(self.size - start);
                let _ = self._map.advise_range(memmap2::Advice::PopulateWrite, start as usize, len as usize);
            }
        }
    }

    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The offset of [pa, pa + len) in RAM, when it lies wholly inside.
    #[inline(always)]
    pub fn offset(&self, pa: u64, len: u64) -> Option<usize> {
        let off = pa.wrapping_sub(self.base);
        (off < self.size && len <= self.size - off).then_some(off as usize)
    }

    /// The host address of RAM offset `off` (from `offset`).
    #[inline(always)]
    pub fn host_addr(&self, off: usize) -> usize {
        self.host as usize + off
    }

    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        let off = self.offset(pa, 8)?;
        // SAFETY: `offset` checked that the 8 bytes lie inside the mapping.
        Some(u64::from_le(unsafe { (self.host.add(off) as *const u64).read_unaligned() }))
    }

    /// Reads `len` (at most 8) bytes, little-endian.
    #[inline]
    pub fn read(&self, pa: u64, len: u64) -> Option<u64> {
        let off = self.offset(pa, len)?;
        // SAFETY: `offset` checked that the `len` bytes lie inside the mapping.
        let p = unsafe { self.host.add(off) };
        // SAFETY (each arm): unaligned reads of the checked bytes.
        Some(match len {
            1 => unsafe { *p as u64 },
            2 => u16::from_le(unsafe { (p as *const u16).read_unaligned() }) as u64,
            4 => u32::from_le(unsafe { (p as *const u32).read_unaligned() }) as u64,
            8 => u64::from_le(unsafe { (p as *const u64).read_unaligned() }),
            _ => {
                // The parts of an access that crosses a page: 3, 5, 6 or 7 bytes.
                let mut bytes = [0u8; 8];
                unsafe { std::ptr::copy_nonoverlapping(p, bytes.as_mut_ptr(), len.min(8) as usize) };
                u64::from_le_bytes(bytes)
            }
        })
    }

    /// Writes the low `len` (at most 8) bytes of `value`, little-endian.
    #[inline]
    pub fn write(&mut self, pa: u64, len: u64, value: u64) -> Option<()> {
        let off = self.offset(pa, len)?;
        // SAFETY: `offset` checked that the `len` bytes lie inside the mapping.
        let p = unsafe { self.host.add(off) };
        // SAFETY (each arm): unaligned writes of the checked bytes.
        match len {
            1 => unsafe { *p = value as u8 },
            2 => unsafe { (p as *mut u16).write_unaligned((value as u16).to_le()) },
            4 => unsafe { (p as *mut u32).write_unaligned((value as u32).to_le()) },
            8 => unsafe { (p as *mut u64).write_unaligned(value.to_le()) },
            _ => unsafe { std::ptr::copy_nonoverlapping(value.to_le_bytes().as_ptr(), p, len.min(8) as usize) },
        }
        Some(())
    }

    pub fn write_bytes(&mut self, pa: u64, data: &[u8]) -> Option<()> {
        let off = self.offset(pa, data.len() as u64)?;
        self.prefault(off, data.len());
        // SAFETY: `offset` checked the range.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.host.add(off), data.len()) };
        Some(())
    }

    /// The bytes [pa, pa + len) as a host slice, for devices' DMA.
    pub fn slice(&self, pa: u64, len: u64) -> Option<&[u8]> {
        let off = self.offset(pa, len)?;
        // SAFETY: `offset` checked the range; the mapping lives as long as
        // `self`, and harts do not run while a device holds the borrow.
        Some(unsafe { std::slice::from_raw_parts(self.host.add(off), len as usize) })
    }

    /// The bytes [pa, pa + len) as a mutable host slice, for devices' DMA.
    pub fn slice_mut(&mut self, pa: u64, len: u64) -> Option<&mut [u8]> {
        let off = self.offset(pa, len)?;
        // SAFETY: as `slice`; `&mut self` makes the borrow exclusive.
        Some(unsafe { std::slice::from_raw_parts_mut(self.host.add(off), len as usize) })
    }

    pub fn read_bytes(&self, pa: u64, out: &mut [u8]) -> Option<()> {
        let off = self.offset(pa, out.len() as u64)?;
        // SAFETY: `offset` checked the range.
        unsafe { std::ptr::copy_nonoverlapping(self.host.add(off), out.as_mut_ptr(), out.len()) };
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_round_trip() {
        let mut ram = Ram::new(0x8000_0000, 0x2000).unwrap();
        assert_eq!(ram.offset(0x8000_1ff8, 8), Some(0x1ff8));
        assert_eq!(ram.offset(0x8000_1ffc, 8), None, "runs off the end");
        assert_eq!(ram.offset(0x7fff_fff8, 8), None, "below the base");
        ram.write(0x8000_0003, 4, 0xdead_beef).unwrap();
        assert_eq!(ram.read(0x8000_0003, 4), Some(0xdead_beef));
        assert_eq!(ram.read(0x8000_0003, 1), Some(0xef));
    }

    #[test]
    fn large_ram_is_reserved_lazily() {
        let ram = Ram::new(0x8000_0000, 16 << 30).unwrap();
        assert_eq!(ram.read_u64(0x8000_0000 + (16 << 30) - 8), Some(0));
    }

    /// The pages of [off, off + len) the host holds resident (mincore).
    fn resident_pages(ram: &Ram, off: usize, len: usize) -> usize {
        let mut v = vec![0u8; len / 4096];
        // SAFETY: the range lies inside the mapping and `v` has a byte per page.
        let r = unsafe { libc::mincore(ram.host.add(off) as *mut libc::c_void, len, v.as_mut_ptr()) };
        assert_eq!(r, 0, "mincore");
        v.iter().filter(|&&b| b & 1 != 0).count()
    }

    #[test]
    fn a_store_chunk_is_made_resident_at_once_and_only_it() {
        let ram = Ram::new(0x8000_0000, 4 * CHUNK).unwrap();
        let chunk = CHUNK as usize;
        if ram._map.advise_range(memmap2::Advice::PopulateWrite, 0, 4096).is_err() {
            return; // Linux < 5.14: the pages fault in one by one, nothing to check
        }
        ram.prefault(chunk + 5000, 8);
        assert_eq!(resident_pages(&ram, chunk, chunk), chunk / 4096, "the whole chunk");
        assert_eq!(resident_pages(&ram, 2 * chunk, 2 * chunk), 0, "not the chunks after it");
        assert_eq!(ram.read_u64(0x8000_0000 + CHUNK + 5000), Some(0), "its contents are still zero");
    }
}
