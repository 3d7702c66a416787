//! The bookkeeping of physical frames: a reference count per frame of RAM, a
//! mark on the frames that belong to a page cache, and a stack of free ones.
//! The kernel wraps one global pool in `Frame` handles (mm/frame.rs); this
//! part is plain data, tested on the host.

use alloc::vec::Vec;
use sv39_arch::Ppn;

/// Reference counts and free frames over `[first, first + count)`.
pub struct FramePool {
    first: u64,
    refcount: Vec<u32>,
    /// One bit per frame: held by a page cache.
    cached: Vec<u64>,
    free: Vec<u32>,
    /// Frames handed to the pool with `release_range` (RAM it manages).
    managed: usize,
}

/// A frame's count while the pool does not manage it (kernel image, initrd).
const RESERVED: u32 = u32::MAX;

impl FramePool {
    /// A pool over `count` frames from `first`, all reserved until released.
    pub fn new(first: Ppn, count: usize) -> FramePool {
        let mut free = Vec::new();
        free.reserve_exact(count);
        let cached = alloc::vec![0; count.div_ceil(64)];
        FramePool { first: first.0, refcount: alloc::vec![RESERVED; count], cached, free, managed: 0 }
    }

    fn index(&self, ppn: Ppn) -> usize {
        let i = ppn.0.checked_sub(self.first).map(|i| i as usize);
        match i {
            Some(i) if i < self.refcount.len() => i,
            _ => panic!("frame {:#x} is outside the pool", ppn.0 << 12),
        }
    }

    /// Hands the reserved frames `[start, end)` to the pool as free.
    pub fn release_range(&mut self, start: Ppn, end: Ppn) {
        // Pushed in reverse so frames are handed out in ascending order.
        for p in (start.0..end.0).rev() {
            let i = self.index(Ppn(p));
            assert_eq!(self.refcount[i], RESERVED, "frame {:#x} released twice", p << 12);
            self.refcount[i] = 0;
            self.free.push(i as u32);
            self.managed += 1;
        }
    }

    /// A free frame with a count of one.
    pub fn alloc(&mut self) -> Option<Ppn> {
        let i = self.free.pop()? as usize;
        self.refcount[i] = 1;
        Some(Ppn(self.first + i as u64))
    }

    /// Adds a reference to an allocated frame.
    pub fn get(&mut self, ppn: Ppn) {
        let i = self.index(ppn);
        let c = self.refcount[i];
        assert!(c != 0 && c != RESERVED, "reference to a free frame {:#x}", ppn.0 << 12);
        self.refcount[i] = c + 1;
    }

    /// Drops a reference; returns whether the frame became free.
    pub fn put(&mut self, ppn: Ppn) -> bool {
        let i = self.index(ppn);
        let c = self.refcount[i];
        assert!(c != 0 && c != RESERVED, "double free of frame {:#x}", ppn.0 << 12);
        self.refcount[i] = c - 1;
        if c == 1 {
            self.cached[i / 64] &= !(1 << (i % 64));
            self.free.push(i as u32);
        }
        c == 1
    }

    /// Marks `ppn` as held (or no longer held) by a page cache.
    pub fn set_cached(&mut self, ppn: Ppn, on: bool) {
        let i = self.index(ppn);
        if on {
            self.cached[i / 64] |= 1 << (i % 64);
        } else {
            self.cached[i / 64] &= !(1 << (i % 64));
        }
    }

    pub fn is_cached(&self, ppn: Ppn) -> bool {
        let i = self.index(ppn);
        self.cached[i / 64] & (1 << (i % 64)) != 0
    }

    /// (frames in page caches, those of them nothing else references).
    pub fn cached_frames(&self) -> (usize, usize) {
        let (mut all, mut alone) = (0, 0);
        for (w, &bits) in self.cached.iter().enumerate() {
            let mut b = bits;
            while b != 0 {
                let i = w * 64 + b.trailing_zeros() as usize;
                all += 1;
                alone += (self.refcount[i] == 1) as usize;
                b &= b - 1;
            }
        }
        (all, alone)
    }

    /// The number of references to `ppn`.
    pub fn count(&self, ppn: Ppn) -> u32 {
        self.refcount[self.index(ppn)]
    }

    pub fn free_frames(&self) -> usize {
        self.free.len()
    }

    pub fn managed_frames(&self) -> usize {
        self.managed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_share_free() {
        let mut pool = FramePool::new(Ppn(0x80000), 8);
        pool.release_range(Ppn(0x80002), Ppn(0x80005));
        assert_eq!(pool.free_frames(), 3);
        let a = pool.alloc().unwrap();
        assert_eq!(a, Ppn(0x80002), "lowest first");
        pool.get(a);
        assert_eq!(pool.count(a), 2);
        assert!(!pool.put(a));
        assert!(pool.put(a));
        assert_eq!(pool.free_frames(), 3);
        assert_eq!(pool.managed_frames(), 3);
    }

    #[test]
    fn cached_frames_are_counted_and_forgotten_when_freed() {
        let mut pool = FramePool::new(Ppn(0x80000), 100);
        pool.release_range(Ppn(0x80000), Ppn(0x80064));
        let a = pool.alloc().unwrap();
        let b = pool.alloc().unwrap();
        pool.set_cached(a, true);
        pool.set_cached(b, true);
        pool.get(b);
        assert_eq!(pool.cached_frames(), (2, 1), "b is also mapped somewhere");
        assert!(pool.put(a));
        assert!(!pool.is_cached(a), "a freed frame is no longer cached");
        assert_eq!(pool.cached_frames(), (1, 0));
        pool.set_cached(b, false);
        assert_eq!(pool.cached_frames(), (0, 0));
    }

    #[test]
    fn exhaustion_is_none() {
        let mut pool = FramePool::new(Ppn(0x80000), 2);
        pool.release_range(Ppn(0x80000), Ppn(0x80002));
        assert!(pool.alloc().is_some());
        assert!(pool.alloc().is_some());
        assert_eq!(pool.alloc(), None);
    }

    #[test]
    #[should_panic(expected = "double free")]
    fn double_free_panics() {
        let mut pool = FramePool::new(Ppn(0x80000), 2);
        pool.release_range(Ppn(0x80000), Ppn(0x80002));
        let a = pool.alloc().unwrap();
        pool.put(a);
        pool.put(a);
    }

    #[test]
    #[should_panic(expected = "free frame")]
    fn reserved_frames_cannot_be_shared() {
        let mut pool = FramePool::new(Ppn(0x80000), 2);
        pool.get(Ppn(0x80001));
    }
}
