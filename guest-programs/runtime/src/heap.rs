//! The global allocator.
//!
//! Small blocks (up to [`MAX_SMALL`] bytes) come from power-of-two size
//! classes: a freed block goes on its class's free list, a new one is cut
//! from the current chunk. Large blocks are whole pages: with mmap, each is
//! its own anonymous mapping, unmapped when freed; without it, they come from
//! the program break and freed ones are kept on a first-fit list.
//!
//! Zeroed large blocks from mmap are not cleared: a fresh anonymous mapping
//! reads as zero, and clearing it would touch (and so fault in) every page.
//!
//! Memory comes from `mmap(MAP_PRIVATE | MAP_ANONYMOUS)`; the first `ENOSYS`
//! switches to `brk` for good, so the runtime also works on a kernel that
//! only has brk. Programs are single-threaded; a spin lock guards the state
//! all the same.

use crate::sys;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};
use sv39_abi::mman::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};
use sv39_abi::Errno;

pub const PAGE: usize = 4096;
/// The largest size served from the size classes.
pub const MAX_SMALL: usize = 2048;
/// Size classes 16, 32, ..., MAX_SMALL.
const CLASSES: usize = 8;
/// How much a small-block chunk asks the kernel for at a time.
const CHUNK: usize = 64 * 1024;

/// Where new memory comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Mmap,
    Brk,
}

/// A freed block: the head of its list, stored in the block itself.
struct Free {
    next: *mut Free,
    /// Bytes in this block (large blocks only).
    len: usize,
}

struct State {
    source: Source,
    /// Small free lists, one per class.
    small: [*mut Free; CLASSES],
    /// Large free blocks (brk mode).
    large: *mut Free,
    /// The unused rest of the current chunk.
    bump: usize,
    bump_end: usize,
}

/// The allocator behind `alloc` for every program.
pub struct Heap {
    lock: AtomicBool,
    state: UnsafeCell<State>,
}

// SAFETY: all access to `state` happens with `lock` held.
unsafe impl Sync for Heap {}

#[global_allocator]
pub static HEAP: Heap = Heap {
    lock: AtomicBool::new(false),
    state: UnsafeCell::new(State {
        source: Source::Mmap,
        small: [core::ptr::null_mut(); CLASSES],
        large: core::ptr::null_mut(),
        bump: 0,
        bump_end: 0,
    }),
};

fn align_up(x: usize, a: usize) -> usize {
    (x + a - 1) & !(a - 1)
}

/// The size class of a layout: index and block size.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    let size = layout.size().max(layout.align()).max(16).next_power_of_two();
    (size <= MAX_SMALL).then(|| (size.trailing_zeros() as usize - 4, size))
}

impl Heap {
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        while self.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: the lock is held, so this is the only reference.
        let r = f(unsafe { &mut *self.state.get() });
        self.lock.store(false, Ordering::Release);
        r
    }

    /// Where memory comes from now.
    pub fn source(&self) -> Source {
        self.with(|s| s.source)
    }

    /// `len` bytes (rounded up to pages) of fresh zeroed memory, from where
    /// the heap gets its own; never given back.
    pub fn pages(&self, len: usize) -> Result<usize, Errno> {
        self.with(|s| s.obtain(align_up(len, PAGE)))
    }
}

impl State {
    /// `len` (a page multiple) fresh bytes from the kernel.
    fn obtain(&mut self, len: usize) -> Result<usize, Errno> {
        if self.source == Source::Mmap {
            // SAFETY: no MAP_FIXED: the kernel picks an unused range.
            match unsafe { sys::mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) } {
                Err(Errno::ENOSYS) => self.source = Source::Brk,
                r => return r,
            }
        }
        self.grow_brk(len)
    }

    /// Moves the break up by `len` bytes from a page boundary. The break is
    /// read each time, so a program may move it too.
    fn grow_brk(&mut self, len: usize) -> Result<usize, Errno> {
        let start = align_up(sys::brk(0), PAGE);
        let end = start.checked_add(len).ok_or(Errno::ENOMEM)?;
        if sys::brk(end) >= end {
            Ok(start)
        } else {
            Err(Errno::ENOMEM)
        }
    }

    fn alloc_small(&mut self, class: usize, size: usize) -> *mut u8 {
        let head = self.small[class];
        if !head.is_null() {
            // SAFETY: blocks on the list are free blocks of this class.
            self.small[class] = unsafe { (*head).next };
            return head.cast();
        }
        let mut at = align_up(self.bump, size);
        if self.bump == 0 || at + size > self.bump_end {
            let Ok(chunk) = self.obtain(CHUNK) else { return core::ptr::null_mut() };
            (at, self.bump_end) = (chunk, chunk + CHUNK);
        }
        self.bump = at + size;
        at as *mut u8
    }

    fn alloc_large(&mut self, len: usize) -> *mut u8 {
        if self.source == Source::Brk {
            if let Some(p) = self.reuse_large(len) {
                return p;
            }
        }
        self.obtain(len).map_or(core::ptr::null_mut(), |a| a as *mut u8)
    }

    /// First fit among freed large blocks; the rest of a bigger one stays free.
    fn reuse_large(&mut self, len: usize) -> Option<*mut u8> {
        let mut link: *mut *mut Free = &raw mut self.large;
        // SAFETY: the list holds only freed large blocks, each at least `len`
        // bytes as its header says, owned by the allocator.
        unsafe {
            while !(*link).is_null() {
                let b = *link;
                if (*b).len >= len {
                    *link = (*b).next;
                    if (*b).len > len {
                        self.free_large(b as usize + len, (*b).len - len);
                    }
                    return Some(b.cast());
                }
                link = &raw mut (*b).next;
            }
        }
        None
    }

    fn free_large(&mut self, addr: usize, len: usize) {
        let b = addr as *mut Free;
        // SAFETY: the block is page-aligned, at least a page, and no longer in use.
        unsafe { b.write(Free { next: self.large, len }) };
        self.large = b;
    }
}

// SAFETY: blocks are handed out at most once until freed, sized and aligned
// for their layout (classes are powers of two at least the alignment; large
// blocks are page-aligned, and larger alignments are refused).
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > PAGE {
            return core::ptr::null_mut();
        }
        match class_of(layout) {
            Some((class, size)) => self.with(|s| s.alloc_small(class, size)),
            None => self.with(|s| s.alloc_large(align_up(layout.size(), PAGE))),
        }
    }

    /// Large blocks in mmap mode come straight from the kernel, zero already:
    /// they are not written (so `vec![0; n]` costs no page until touched).
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if class_of(layout).is_none() && layout.align() <= PAGE && self.source() == Source::Mmap {
            let len = align_up(layout.size(), PAGE);
            return self.with(|s| s.obtain(len)).map_or(core::ptr::null_mut(), |a| a as *mut u8);
        }
        // SAFETY: as `alloc`; the block is then cleared whole.
        let p = unsafe { self.alloc(layout) };
        if !p.is_null() {
            // SAFETY: p is a fresh block of layout.size() bytes.
            unsafe { p.write_bytes(0, layout.size()) };
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match class_of(layout) {
            Some((class, _)) => self.with(|s| {
                let b = ptr as *mut Free;
                // SAFETY: the block is ours, at least 16 bytes, and now free.
                unsafe { b.write(Free { next: s.small[class], len: 0 }) };
                s.small[class] = b;
            }),
            None => self.with(|s| {
                let len = align_up(layout.size(), PAGE);
                if s.source == Source::Mmap {
                    // SAFETY: this block is a whole mapping of its own.
                    let _ = unsafe { sys::munmap(ptr as usize, len) };
                } else {
                    s.free_large(ptr as usize, len);
                }
            }),
        }
    }
}
