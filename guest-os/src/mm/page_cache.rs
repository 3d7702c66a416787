//! The page cache of one file: its contents as frames, one per 4 KiB page,
//! read in from the file's backing store the first time a page is wanted
//! and shared from then on, by `read`, `write` and every mapping alike.
//!
//! The backing store is the initramfs (the kernel keeps the archive in RAM,
//! as a disk): a file unpacked from it starts with no page cached, and
//! bringing one in is a read from the store (a major fault when a mapping
//! asked for it). A page never read in and beyond the store is a hole that
//! reads as zeros. Files made at run time have no store: their pages live
//! only here (tmpfs). Generic over the frame type `F`, so the kernel caches
//! real frames and the host tests boxed arrays.

use alloc::collections::BTreeMap;
use sv39_arch::sv39::PAGE_SIZE;

const PAGE: usize = PAGE_SIZE as usize;
/// The largest file.
pub const MAX_FILE_SIZE: u64 = 1 << 30;

/// A page of memory the cache can hold.
pub trait CacheFrame: Sized {
    /// A zero-filled page, or `None` when memory is exhausted.
    fn alloc_zeroed() -> Option<Self>;
    fn bytes(&self) -> &[u8; PAGE];
    fn bytes_mut(&mut self) -> &mut [u8; PAGE];
}

/// Why a page could not be had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheError {
    /// No frame was left (ENOMEM for a fault, ENOSPC for a write).
    NoMemory,
    /// Past MAX_FILE_SIZE (EFBIG).
    TooBig,
    /// The page lies wholly past the end of the file (SIGBUS for a mapping).
    PastEnd,
}

/// A file's cached pages, its size, and its backing store.
pub struct PageCache<F> {
    pages: BTreeMap<u64, F>,
    size: u64,
    store: &'static [u8],
}

impl<F> Default for PageCache<F> {
    fn default() -> Self {
        PageCache { pages: BTreeMap::new(), size: 0, store: &[] }
    }
}

impl<F: CacheFrame> PageCache<F> {
    /// The file whose contents are `store`, none of it cached yet.
    pub fn with_store(store: &'static [u8]) -> PageCache<F> {
        PageCache { pages: BTreeMap::new(), size: store.len() as u64, store }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Pages held in frames.
    pub fn cached_pages(&self) -> usize {
        self.pages.len()
    }

    /// The cached frames, in file order.
    pub fn frames(&self) -> impl Iterator<Item = &F> {
        self.pages.values()
    }

    /// The bytes of page `index` in the store (fewer than a page at its end).
    fn stored(&self, index: u64) -> &'static [u8] {
        let start = (index * PAGE_SIZE).min(self.store.len() as u64) as usize;
        let end = (start + PAGE).min(self.store.len());
        &self.store[start..end]
    }

    /// Page `index`, read in from the store or made (zeroed) if absent;
    /// whether it was read in.
    fn load(&mut self, index: u64) -> Result<(&mut F, bool), CacheError> {
        let mut read_in = false;
        if !self.pages.contains_key(&index) {
            let mut frame = F::alloc_zeroed().ok_or(CacheError::NoMemory)?;
            let stored = self.stored(index);
            frame.bytes_mut()[..stored.len()].copy_from_slice(stored);
            read_in = !stored.is_empty();
            self.pages.insert(index, frame);
        }
        let frame = self.pages.get_mut(&index).ok_or(CacheError::NoMemory)?;
        Ok((frame, read_in))
    }

    /// Page `index` for a mapping: its frame, and whether it had to be read
    /// from the store (a major fault). `PastEnd` beyond the last page.
    pub fn page(&mut self, index: u64) -> Result<(&F, bool), CacheError> {
        if index >= self.size.div_ceil(PAGE_SIZE) {
            return Err(CacheError::PastEnd);
        }
        self.load(index).map(|(f, read_in)| (&*f, read_in))
    }

    /// Copies bytes from `offset` into `buf`; returns how many (0 at the
    /// end). Stored pages are read in and cached; holes read as zeros.
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, CacheError> {
        let end = self.size.min(offset.saturating_add(buf.len() as u64));
        let mut at = offset;
        while at < end {
            let (index, within) = (at / PAGE_SIZE, (at % PAGE_SIZE) as usize);
            let n = ((PAGE - within) as u64).min(end - at) as usize;
            let dst = &mut buf[(at - offset) as usize..][..n];
            if self.pages.contains_key(&index) || !self.stored(index).is_empty() {
                let (frame, _) = self.load(index)?;
                dst.copy_from_slice(&frame.bytes()[within..within + n]);
            } else {
                dst.fill(0);
            }
            at += n as u64;
        }
        Ok(end.saturating_sub(offset) as usize)
    }

    /// Writes `data` at `offset`, growing the file.
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<usize, CacheError> {
        let end = offset.checked_add(data.len() as u64).ok_or(CacheError::TooBig)?;
        if end > MAX_FILE_SIZE {
            return Err(CacheError::TooBig);
        }
        let mut at = offset;
        while at < end {
            let (index, within) = (at / PAGE_SIZE, (at % PAGE_SIZE) as usize);
            let n = ((PAGE - within) as u64).min(end - at) as usize;
            let (frame, _) = self.load(index)?;
            frame.bytes_mut()[within..within + n].copy_from_slice(&data[(at - offset) as usize..][..n]);
            at += n as u64;
            self.size = self.size.max(at);
        }
        Ok(data.len())
    }

    /// Cuts or extends (with a hole) the file to `len` bytes. The bytes past
    /// the end of the last page stay zero either way, and the store is cut
    /// too, so a later extension reads zeros there.
    pub fn truncate(&mut self, len: u64) -> Result<(), CacheError> {
        if len > MAX_FILE_SIZE {
            return Err(CacheError::TooBig);
        }
        let edge = len.min(self.size);
        let keep = len.div_ceil(PAGE_SIZE);
        self.pages.retain(|&i, _| i < keep);
        if !edge.is_multiple_of(PAGE_SIZE) {
            if let Some(f) = self.pages.get_mut(&(edge / PAGE_SIZE)) {
                f.bytes_mut()[(edge % PAGE_SIZE) as usize..].fill(0);
            }
        }
        self.store = &self.store[..(len.min(self.store.len() as u64)) as usize];
        self.size = len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::boxed::Box;
    use std::vec;

    struct TestFrame(Box<[u8; PAGE]>);

    impl CacheFrame for TestFrame {
        fn alloc_zeroed() -> Option<Self> {
            Some(TestFrame(Box::new([0; PAGE])))
        }
        fn bytes(&self) -> &[u8; PAGE] {
            &self.0
        }
        fn bytes_mut(&mut self) -> &mut [u8; PAGE] {
            &mut self.0
        }
    }

    /// A store of `len` bytes, byte i holding i % 251 (leaked: 'static).
    fn store(len: usize) -> &'static [u8] {
        Box::leak((0..len).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into_boxed_slice())
    }

    #[test]
    fn pages_are_read_once_then_shared() {
        let mut c: PageCache<TestFrame> = PageCache::with_store(store(10_000));
        assert_eq!((c.size(), c.cached_pages()), (10_000, 0));
        let (f, read_in) = c.page(1).unwrap();
        assert!(read_in, "the first use reads the store");
        assert_eq!(f.bytes()[0], (4096 % 251) as u8);
        let (_, again) = c.page(1).unwrap();
        assert!(!again, "then it is cached");
        let (last, _) = c.page(2).unwrap();
        assert_eq!(last.bytes()[10_000 - 8192 - 1], (9_999 % 251) as u8);
        assert_eq!(last.bytes()[10_000 - 8192], 0, "past the end of the file: zero");
        assert_eq!(c.page(3).err(), Some(CacheError::PastEnd));
        assert_eq!(c.cached_pages(), 2);
    }

    #[test]
    fn read_and_write_see_the_same_pages() {
        let mut c: PageCache<TestFrame> = PageCache::with_store(store(5000));
        let mut buf = vec![0u8; 6000];
        assert_eq!(c.read_at(100, &mut buf).unwrap(), 4900);
        assert_eq!(buf[0], 100);
        assert_eq!(c.cached_pages(), 2, "read caches what it read");
        c.write_at(4095, b"xy").unwrap();
        let (p0, _) = c.page(0).unwrap();
        assert_eq!(p0.bytes()[4095], b'x');
        let (p1, _) = c.page(1).unwrap();
        assert_eq!(p1.bytes()[0], b'y');
        assert_eq!(c.read_at(4094, &mut buf[..4]).unwrap(), 4);
        assert_eq!(&buf[..3], &[(4094 % 251) as u8, b'x', b'y']);
    }

    #[test]
    fn holes_read_as_zero_without_frames() {
        let mut c: PageCache<TestFrame> = PageCache::default();
        c.write_at(3 * 4096, b"end").unwrap();
        assert_eq!(c.size(), 3 * 4096 + 3);
        let mut buf = vec![9u8; 4096];
        assert_eq!(c.read_at(4096, &mut buf).unwrap(), 4096);
        assert!(buf.iter().all(|&b| b == 0));
        assert_eq!(c.cached_pages(), 1, "the hole took no frame");
        let (hole, read_in) = c.page(1).unwrap();
        assert!(!read_in && hole.bytes().iter().all(|&b| b == 0), "a mapped hole is a zero page, not a read");
    }

    #[test]
    fn truncate_zeroes_the_tail_and_cuts_the_store() {
        let mut c: PageCache<TestFrame> = PageCache::with_store(store(9000));
        c.page(1).unwrap();
        c.truncate(5000).unwrap();
        assert_eq!(c.size(), 5000);
        assert_eq!(c.page(2).err(), Some(CacheError::PastEnd));
        c.truncate(9000).unwrap();
        let mut buf = vec![7u8; 4000];
        assert_eq!(c.read_at(5000, &mut buf).unwrap(), 4000);
        assert!(buf.iter().all(|&b| b == 0), "cut bytes do not come back from the store");
        let (p1, _) = c.page(1).unwrap();
        assert_eq!(p1.bytes()[5000 - 4096 - 1], (4999 % 251) as u8);
        c.truncate(0).unwrap();
        assert_eq!((c.size(), c.cached_pages()), (0, 0));
    }

    #[test]
    fn limits() {
        let mut c: PageCache<TestFrame> = PageCache::default();
        assert_eq!(c.write_at(MAX_FILE_SIZE, b"x"), Err(CacheError::TooBig));
        assert_eq!(c.write_at(u64::MAX, b"x"), Err(CacheError::TooBig));
        assert_eq!(c.truncate(MAX_FILE_SIZE + 1), Err(CacheError::TooBig));
        let mut buf = [0u8; 4];
        assert_eq!(c.read_at(100, &mut buf).unwrap(), 0, "reading past the end");
    }
}
