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
//!
//! Under memory pressure `reclaim` gives up pages no mapping holds, as
//! Linux's shmem does: a clean page (as the store or the hole has it) is
//! dropped and read in again when wanted; a dirty one (written, or handed
//! to a shared writable mapping) is put out to swap and read back on use.

use alloc::collections::BTreeMap;
use sv39_arch::sv39::PAGE_SIZE;

const PAGE: usize = PAGE_SIZE as usize;
/// The largest file.
pub const MAX_FILE_SIZE: u64 = 1 << 30;

/// A page of memory the cache can hold.
pub trait CacheFrame: Sized {
    /// A page put out of memory (to a swap slot): freed when dropped.
    type Out;
    /// A zero-filled page, or `None` when memory is exhausted.
    fn alloc_zeroed() -> Option<Self>;
    fn bytes(&self) -> &[u8; PAGE];
    fn bytes_mut(&mut self) -> &mut [u8; PAGE];
    /// Whether anything besides the cache holds the frame (a mapping).
    fn mapped(&self) -> bool;
    /// Writes the page out and gives up its frame; the frame back when it
    /// cannot go (swap off or full, a write error).
    fn put_out(self) -> Result<Self::Out, Self>;
    /// Reads a page put out into a new frame, freeing where it was.
    fn bring_in(out: &Self::Out) -> Result<Self, CacheError>;
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
    /// A page put out could not be read back (EIO).
    Io,
}

/// A page of the file that is not a hole.
enum Page<F: CacheFrame> {
    /// In a frame; dirty when it differs, or may differ, from the store.
    Resident { frame: F, dirty: bool },
    /// Put out of memory.
    Out(F::Out),
}

/// A file's pages, its size, and its backing store.
pub struct PageCache<F: CacheFrame> {
    pages: BTreeMap<u64, Page<F>>,
    size: u64,
    store: &'static [u8],
    /// Where `reclaim` goes on from.
    hand: u64,
}

impl<F: CacheFrame> Default for PageCache<F> {
    fn default() -> Self {
        PageCache::with_store(&[])
    }
}

impl<F: CacheFrame> PageCache<F> {
    /// The file whose contents are `store`, none of it cached yet.
    pub fn with_store(store: &'static [u8]) -> PageCache<F> {
        PageCache { pages: BTreeMap::new(), size: store.len() as u64, store, hand: 0 }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Pages held in frames.
    pub fn cached_pages(&self) -> usize {
        self.frames().count()
    }

    /// Pages put out of memory.
    pub fn pages_out(&self) -> usize {
        self.pages.values().filter(|p| matches!(p, Page::Out(_))).count()
    }

    /// The cached frames, in file order.
    pub fn frames(&self) -> impl Iterator<Item = &F> {
        self.pages.values().filter_map(|p| match p {
            Page::Resident { frame, .. } => Some(frame),
            Page::Out(_) => None,
        })
    }

    /// The bytes of page `index` in the store (fewer than a page at its end).
    fn stored(&self, index: u64) -> &'static [u8] {
        let start = (index * PAGE_SIZE).min(self.store.len() as u64) as usize;
        let end = (start + PAGE).min(self.store.len());
        &self.store[start..end]
    }

    /// Page `index` in a frame, made dirty if `dirty`: read in from the
    /// store or from where it was put out, or made (zeroed) if absent;
    /// whether it was read in.
    fn load(&mut self, index: u64, dirty: bool) -> Result<(&mut F, bool), CacheError> {
        let (page, read_in) = match self.pages.get(&index) {
            Some(Page::Resident { .. }) => (None, false),
            // Back in a frame, its only copy: dirty again.
            Some(Page::Out(out)) => (Some(Page::Resident { frame: F::bring_in(out)?, dirty: true }), true),
            None => {
                let mut frame = F::alloc_zeroed().ok_or(CacheError::NoMemory)?;
                let stored = self.stored(index);
                frame.bytes_mut()[..stored.len()].copy_from_slice(stored);
                (Some(Page::Resident { frame, dirty }), !stored.is_empty())
            }
        };
        if let Some(page) = page {
            // Drops what was put out (its slot) once the page is back.
            self.pages.insert(index, page);
        }
        match self.pages.get_mut(&index) {
            Some(Page::Resident { frame, dirty: was }) => {
                *was |= dirty;
                Ok((frame, read_in))
            }
            _ => Err(CacheError::Io),
        }
    }

    /// Page `index` for a mapping: its frame, and whether it had to be read
    /// in (a major fault). `writable` for a shared writable mapping, whose
    /// stores reach the page unseen: it counts as dirty from then on.
    /// `PastEnd` beyond the last page.
    pub fn page(&mut self, index: u64, writable: bool) -> Result<(&F, bool), CacheError> {
        if index >= self.size.div_ceil(PAGE_SIZE) {
            return Err(CacheError::PastEnd);
        }
        self.load(index, writable).map(|(f, read_in)| (&*f, read_in))
    }

    /// Copies bytes from `offset` into `buf`; returns how many (0 at the
    /// end). Pages not in memory are read in and cached; holes read as zeros.
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, CacheError> {
        let end = self.size.min(offset.saturating_add(buf.len() as u64));
        let mut at = offset;
        while at < end {
            let (index, within) = (at / PAGE_SIZE, (at % PAGE_SIZE) as usize);
            let n = ((PAGE - within) as u64).min(end - at) as usize;
            let dst = &mut buf[(at - offset) as usize..][..n];
            if self.pages.contains_key(&index) || !self.stored(index).is_empty() {
                let (frame, _) = self.load(index, false)?;
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
            let (frame, _) = self.load(index, true)?;
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
        let (keep, at) = (len.div_ceil(PAGE_SIZE), edge / PAGE_SIZE);
        if !edge.is_multiple_of(PAGE_SIZE) && self.pages.contains_key(&at) {
            let (f, _) = self.load(at, true)?;
            f.bytes_mut()[(edge % PAGE_SIZE) as usize..].fill(0);
        }
        self.pages.retain(|&i, _| i < keep);
        self.store = &self.store[..(len.min(self.store.len() as u64)) as usize];
        self.size = len;
        Ok(())
    }

    /// Gives up to `want` pages no mapping holds, on from where the last
    /// call stopped, looking at no more than `scan` pages: clean ones are
    /// dropped, dirty ones put out. How many frames it freed; stops early
    /// when a dirty page cannot go out (swap full).
    pub fn reclaim(&mut self, want: usize, scan: usize) -> usize {
        let hand = self.hand;
        let order: alloc::vec::Vec<u64> = self.pages.range(hand..).chain(self.pages.range(..hand)).map(|(&i, _)| i).take(scan).collect();
        let mut freed = 0;
        for index in order {
            if freed == want {
                break;
            }
            self.hand = index + 1;
            let Some(Page::Resident { frame, dirty }) = self.pages.get(&index) else { continue };
            if frame.mapped() {
                continue;
            }
            let dirty = *dirty;
            let Some(Page::Resident { frame, .. }) = self.pages.remove(&index) else { continue };
            if !dirty {
                freed += 1;
                continue;
            }
            match frame.put_out() {
                Ok(out) => {
                    self.pages.insert(index, Page::Out(out));
                    freed += 1;
                }
                Err(frame) => {
                    self.pages.insert(index, Page::Resident { frame, dirty });
                    break;
                }
            }
        }
        freed
    }

    /// Brings back every page put out that `holds` says is there (swapoff);
    /// how many came back.
    pub fn bring_in_all(&mut self, holds: impl Fn(&F::Out) -> bool) -> Result<usize, CacheError> {
        let out: alloc::vec::Vec<u64> =
            self.pages.iter().filter(|(_, p)| matches!(p, Page::Out(o) if holds(o))).map(|(&i, _)| i).collect();
        for &index in &out {
            self.load(index, false)?;
        }
        Ok(out.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::boxed::Box;
    use std::vec;

    use core::cell::Cell;

    /// A page, and whether a mapping holds it.
    struct TestFrame(Box<[u8; PAGE]>, Cell<bool>);

    std::thread_local! {
        /// Pages the test's swap takes before it is full.
        static SLOTS_LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    }

    impl CacheFrame for TestFrame {
        type Out = Box<[u8; PAGE]>;
        fn alloc_zeroed() -> Option<Self> {
            Some(TestFrame(Box::new([0; PAGE]), Cell::new(false)))
        }
        fn bytes(&self) -> &[u8; PAGE] {
            &self.0
        }
        fn bytes_mut(&mut self) -> &mut [u8; PAGE] {
            &mut self.0
        }
        fn mapped(&self) -> bool {
            self.1.get()
        }
        fn put_out(self) -> Result<Self::Out, Self> {
            match SLOTS_LEFT.get() {
                0 => Err(self),
                n => {
                    SLOTS_LEFT.set(n - 1);
                    Ok(self.0)
                }
            }
        }
        fn bring_in(out: &Self::Out) -> Result<Self, CacheError> {
            Ok(TestFrame(out.clone(), Cell::new(false)))
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
        let (f, read_in) = c.page(1, false).unwrap();
        assert!(read_in, "the first use reads the store");
        assert_eq!(f.bytes()[0], (4096 % 251) as u8);
        let (_, again) = c.page(1, false).unwrap();
        assert!(!again, "then it is cached");
        let (last, _) = c.page(2, false).unwrap();
        assert_eq!(last.bytes()[10_000 - 8192 - 1], (9_999 % 251) as u8);
        assert_eq!(last.bytes()[10_000 - 8192], 0, "past the end of the file: zero");
        assert_eq!(c.page(3, false).err(), Some(CacheError::PastEnd));
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
        let (p0, _) = c.page(0, false).unwrap();
        assert_eq!(p0.bytes()[4095], b'x');
        let (p1, _) = c.page(1, false).unwrap();
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
        let (hole, read_in) = c.page(1, false).unwrap();
        assert!(!read_in && hole.bytes().iter().all(|&b| b == 0), "a mapped hole is a zero page, not a read");
    }

    #[test]
    fn truncate_zeroes_the_tail_and_cuts_the_store() {
        let mut c: PageCache<TestFrame> = PageCache::with_store(store(9000));
        c.page(1, false).unwrap();
        c.truncate(5000).unwrap();
        assert_eq!(c.size(), 5000);
        assert_eq!(c.page(2, false).err(), Some(CacheError::PastEnd));
        c.truncate(9000).unwrap();
        let mut buf = vec![7u8; 4000];
        assert_eq!(c.read_at(5000, &mut buf).unwrap(), 4000);
        assert!(buf.iter().all(|&b| b == 0), "cut bytes do not come back from the store");
        let (p1, _) = c.page(1, false).unwrap();
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

    #[test]
    fn reclaim_drops_clean_pages_and_puts_dirty_ones_out() {
        let mut c: PageCache<TestFrame> = PageCache::with_store(store(4 * 4096));
        for i in 0..4 {
            c.page(i, false).unwrap();
        }
        c.write_at(4096 + 7, b"dirty").unwrap();
        c.page(2, true).unwrap();
        c.page(3, false).unwrap().0 .1.set(true);
        assert_eq!(c.reclaim(10, 10), 3, "page 3 is mapped and stays");
        assert_eq!((c.cached_pages(), c.pages_out()), (1, 2), "0 dropped; 1 written and 2 shared writable went out");
        let mut buf = [0u8; 12];
        c.read_at(4096 + 4, &mut buf).unwrap();
        assert_eq!(&buf[..3], &[(4100 % 251) as u8, (4101 % 251) as u8, (4102 % 251) as u8]);
        assert_eq!(&buf[3..8], b"dirty", "the write came back from where it was put");
        let (p0, read_in) = c.page(0, false).unwrap();
        assert!(read_in && p0.bytes()[5] == 5, "the clean page is read from the store again");
        assert_eq!((c.cached_pages(), c.pages_out()), (3, 1));
    }

    #[test]
    fn a_full_swap_keeps_dirty_pages_and_stops() {
        SLOTS_LEFT.set(1);
        let mut c: PageCache<TestFrame> = PageCache::default();
        c.write_at(0, &[1u8; 3 * 4096]).unwrap();
        assert_eq!(c.reclaim(3, 3), 1, "one slot, one page");
        assert_eq!((c.cached_pages(), c.pages_out()), (2, 1));
        let mut buf = vec![0u8; 3 * 4096];
        assert_eq!(c.read_at(0, &mut buf).unwrap(), 3 * 4096);
        assert!(buf.iter().all(|&b| b == 1), "nothing lost");
        SLOTS_LEFT.set(usize::MAX);
    }

    #[test]
    fn truncate_and_swapoff_see_pages_put_out() {
        let mut c: PageCache<TestFrame> = PageCache::default();
        c.write_at(0, &[2u8; 3 * 4096]).unwrap();
        assert_eq!(c.reclaim(3, 3), 3);
        c.truncate(4096 + 10).unwrap();
        assert_eq!((c.cached_pages(), c.pages_out()), (1, 1), "page 2 went; page 1 came in to be cut");
        let mut buf = vec![9u8; 4096];
        c.truncate(2 * 4096).unwrap();
        c.read_at(4096, &mut buf).unwrap();
        assert!(buf[..10].iter().all(|&b| b == 2) && buf[10..].iter().all(|&b| b == 0));
        assert_eq!(c.bring_in_all(|_| true), Ok(1));
        assert_eq!((c.cached_pages(), c.pages_out()), (2, 0));
    }
}
