//! A page cache's frames (guest_os's mm/page_cache.rs over real memory):
//! marked in the pool while the cache holds them (for /proc/meminfo's
//! `Cached` and for telling cache pages from private ones in reclaim), and
//! put out to swap slots of their own under pressure.

use super::frame::{self, Frame};
use super::swap;
use guest_os::mm::page_cache::{CacheError, CacheFrame};
use guest_os::mm::swap_cache::SwapSlot;
use sv39_arch::sv39::PAGE_SIZE;

/// A page cache's reference to a frame.
#[derive(Debug)]
pub struct CachedFrame(Frame);

impl CachedFrame {
    pub fn frame(&self) -> &Frame {
        &self.0
    }

    fn of(frame: Frame) -> CachedFrame {
        frame::set_cached(frame.pa().ppn(), true);
        CachedFrame(frame)
    }
}

/// A page cache's page in a swap slot of its own, freed with it.
pub struct SwappedPage(SwapSlot);

impl SwappedPage {
    /// The swap area (disk) it is in.
    pub fn area(&self) -> usize {
        self.0.area()
    }
}

impl Drop for SwappedPage {
    fn drop(&mut self) {
        swap::free(self.0);
    }
}

impl CacheFrame for CachedFrame {
    type Out = SwappedPage;

    /// None also when the kernel heap is short of room: each page a cache
    /// holds costs it an entry (tens of bytes), and a shared memory object
    /// can have as many pages as RAM and swap together, so a cache stops
    /// growing (ENOMEM, SIGBUS for a mapping) before the heap runs out.
    fn alloc_zeroed() -> Option<Self> {
        if !super::heap::has_room() {
            return None;
        }
        Frame::alloc().ok().map(CachedFrame::of)
    }

    fn bytes(&self) -> &[u8; PAGE_SIZE as usize] {
        self.0.bytes()
    }

    fn bytes_mut(&mut self) -> &mut [u8; PAGE_SIZE as usize] {
        self.0.bytes_mut()
    }

    fn mapped(&self) -> bool {
        frame::refs(self.0.pa().ppn()) > 1
    }

    fn put_out(self) -> Result<SwappedPage, Self> {
        // On success `self` goes, and the frame with it.
        swap::write_alone(self.0.pa().ppn()).map(SwappedPage).ok_or(self)
    }

    fn bring_in(out: &SwappedPage) -> Result<Self, CacheError> {
        let frame = CachedFrame::of(Frame::alloc_for_device().map_err(|_| CacheError::NoMemory)?);
        match swap::read_alone(out.0, frame.0.pa().ppn()) {
            true => Ok(frame),
            false => Err(CacheError::Io),
        }
    }
}

impl Drop for CachedFrame {
    fn drop(&mut self) {
        frame::set_cached(self.0.pa().ppn(), false);
    }
}
