//! The kernel heap: a buddy allocator (rCore's `buddy_system_allocator`) over
//! a fixed region carved from RAM right after the kernel image at boot. Its
//! exhaustion is a kernel panic, so the kernel bounds what user programs can
//! make it allocate (processes, descriptors, pipes, file names), and page
//! caches stop growing while it is short of room (`has_room`).

use crate::sync::Global;
use buddy_system_allocator::Heap;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

struct KernelHeap(Global<Heap<32>>);

#[global_allocator]
static HEAP: KernelHeap = KernelHeap(Global::new(Heap::empty()));

// SAFETY: the buddy allocator hands out disjoint, suitably aligned blocks of
// the region given to `init`, and takes back only blocks it handed out.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0.borrow_mut().alloc(layout).map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(p) = NonNull::new(ptr) {
            self.0.borrow_mut().dealloc(p, layout);
        }
    }
}

/// Gives the heap the kernel addresses `[start, start + size)`.
///
/// # Safety
/// The range must be mapped, writable RAM used for nothing else, ever.
pub unsafe fn init(start: u64, size: u64) {
    // SAFETY: per the caller.
    unsafe { HEAP.0.borrow_mut().init(start as usize, size as usize) };
}

/// Whether the heap has room to grow what user programs decide the size of
/// (page caches): an eighth of it, at least 256 KiB, stays for the rest.
pub fn has_room() -> bool {
    let (used, total) = usage();
    total - used >= (total / 8).max(256 << 10)
}

/// (bytes in use, bytes in the heap).
pub fn usage() -> (usize, usize) {
    let h = HEAP.0.borrow();
    (h.stats_alloc_actual(), h.stats_total_bytes())
}
