//! Physical frames as owned handles: a [`Frame`] is one reference to a 4 KiB
//! frame of RAM, counted in the global pool and freed when the last reference
//! drops. A frame mapped in a page table is held by that PTE: `into_raw`
//! moves a reference into the PTE, `from_raw` takes it back out on unmap.
//! A [`CachedFrame`] is a page cache's reference, marked as such in the pool
//! (for /proc/meminfo's `Cached` and for telling mappings from the cache).
//! The zero page is one frame of zeros, mapped read-only wherever anonymous
//! memory is read before it is written.

use crate::memlayout::phys_to_virt;
use crate::sync::Global;
use guest_os::mm::frame_pool::FramePool;
use sv39_arch::sv39::PAGE_SIZE;
use sv39_arch::{PhysAddr, Ppn};

static POOL: Global<Option<FramePool>> = Global::new(None);
/// The zero page: allocated at boot, never freed, never written.
static ZERO: Global<Option<Ppn>> = Global::new(None);

/// No free frame was left (ENOMEM to user space).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// Manages the frames `[first, first + count)`, all reserved until released.
pub fn init(first: Ppn, count: usize) {
    *POOL.borrow_mut() = Some(FramePool::new(first, count));
}

fn with_pool<R>(f: impl FnOnce(&mut FramePool) -> R) -> R {
    let mut pool = POOL.borrow_mut();
    f(pool.as_mut().expect("frame pool used before mm::frame::init"))
}

/// Hands the physical range `[start, end)` (page-aligned inward) to the pool.
pub fn release(start: PhysAddr, end: PhysAddr) {
    let first = Ppn(start.as_u64().div_ceil(PAGE_SIZE));
    let last = end.ppn();
    if first < last {
        with_pool(|p| p.release_range(first, last));
    }
}

/// (free frames, frames the pool manages).
pub fn counts() -> (usize, usize) {
    with_pool(|p| (p.free_frames(), p.managed_frames()))
}

/// (frames in page caches, those of them nothing but the cache holds).
pub fn cached_counts() -> (usize, usize) {
    with_pool(|p| p.cached_frames())
}

/// References to `ppn`.
pub fn refs(ppn: Ppn) -> u32 {
    with_pool(|p| p.count(ppn))
}

/// Takes another reference to `ppn` (held by a PTE, given back by `put`).
pub fn get(ppn: Ppn) {
    with_pool(|p| p.get(ppn));
}

/// Drops a reference taken by `get`, `Frame::into_raw` or `alloc_raw`.
pub fn put(ppn: Ppn) {
    with_pool(|p| p.put(ppn));
}

/// Marks `ppn` as a page cache's, or no longer.
pub fn set_cached(ppn: Ppn, on: bool) {
    with_pool(|p| p.set_cached(ppn, on));
}

/// Whether `ppn` belongs to a page cache.
pub fn is_cached(ppn: Ppn) -> bool {
    with_pool(|p| p.is_cached(ppn))
}

/// The bytes of frame `ppn` through the direct map.
///
/// # Safety
/// The caller holds a reference to `ppn` while the slice lives and makes no
/// other reference to the same bytes meanwhile.
pub unsafe fn raw_bytes<'a>(ppn: Ppn) -> &'a mut [u8; PAGE_SIZE as usize] {
    // SAFETY: the frame is RAM in the direct map, kept allocated by the
    // caller's reference; uniqueness is the caller's promise.
    unsafe { &mut *(phys_to_virt(ppn.addr()).as_u64() as *mut [u8; PAGE_SIZE as usize]) }
}

/// Makes the zero page (at boot, after `init`).
pub fn init_zero_page() -> Result<(), OutOfMemory> {
    *ZERO.borrow_mut() = Some(Frame::alloc()?.into_raw());
    Ok(())
}

/// The zero page.
pub fn zero_page() -> Ppn {
    ZERO.borrow().expect("the zero page is made at boot")
}

/// One counted reference to a frame.
#[derive(Debug)]
pub struct Frame {
    ppn: Ppn,
}

impl Frame {
    /// A zero-filled frame of its own.
    pub fn alloc() -> Result<Frame, OutOfMemory> {
        let ppn = with_pool(|p| p.alloc()).ok_or(OutOfMemory)?;
        let mut frame = Frame { ppn };
        super::page_ops::clear_page(frame.bytes_mut());
        Ok(frame)
    }

    /// A frame of its own that a device is about to fill whole (a page
    /// read from swap): not zeroed, so it must not be mapped or read
    /// before the device has written it.
    pub fn alloc_for_device() -> Result<Frame, OutOfMemory> {
        let ppn = with_pool(|p| p.alloc()).ok_or(OutOfMemory)?;
        Ok(Frame { ppn })
    }

    pub fn pa(&self) -> PhysAddr {
        self.ppn.addr()
    }

    /// The frame's bytes through the direct map.
    pub fn bytes(&self) -> &[u8; PAGE_SIZE as usize] {
        // SAFETY: the frame is RAM in the direct map and stays allocated while
        // this reference (and so `self`) lives.
        unsafe { &*(phys_to_virt(self.pa()).as_u64() as *const [u8; PAGE_SIZE as usize]) }
    }

    /// The frame's bytes, writable. A frame shared by several holders is
    /// shared on purpose (a file page, or a page the holders all map), so
    /// writes are meant to be seen by all of them.
    pub fn bytes_mut(&mut self) -> &mut [u8; PAGE_SIZE as usize] {
        // SAFETY: as in `bytes`; `&mut self` keeps this handle's view unique.
        unsafe { &mut *(phys_to_virt(self.pa()).as_u64() as *mut [u8; PAGE_SIZE as usize]) }
    }

    /// Another reference to the same frame.
    pub fn share(&self) -> Frame {
        with_pool(|p| p.get(self.ppn));
        Frame { ppn: self.ppn }
    }

    /// Gives up the handle but not the reference (now held by a PTE).
    pub fn into_raw(self) -> Ppn {
        let ppn = self.ppn;
        core::mem::forget(self);
        ppn
    }

    /// Takes back a reference given up with `into_raw`.
    ///
    /// # Safety
    /// `ppn` must carry a reference from `into_raw` that nothing else will
    /// take back.
    pub unsafe fn from_raw(ppn: Ppn) -> Frame {
        Frame { ppn }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        with_pool(|p| p.put(self.ppn));
    }
}
