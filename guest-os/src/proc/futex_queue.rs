//! Futex keys and the queue of futex waiters (futex(2)), portable and
//! host-tested; syscall/futex.rs puts the threads to sleep and wakes them.
//!
//! A key names the word a waiter waits on, the same way for every thread
//! that can see the word:
//! - private (FUTEX_PRIVATE_FLAG, or any word outside a shared mapping):
//!   the address space and the virtual address, so the threads of one
//!   process meet on it and nobody else does;
//! - shared (a MAP_SHARED mapping without FUTEX_PRIVATE_FLAG): the object
//!   mapped and the byte offset of the word in it, so processes that map
//!   the same object at different addresses meet on it. This is Linux's
//!   key (inode and page index plus offset, kernel/futex/core.c
//!   get_futex_key): it names the bytes, not the frame holding them now,
//!   so it survives the frame being replaced.
//!
//! Waiters are kept in arrival order: a wake takes the oldest waiters of a
//! key whose bitset meets the wake's (Linux's plist is FIFO within one
//! priority, and every thread here has the same priority).

use alloc::collections::VecDeque;

/// The key of a futex word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FutexKey {
    /// Space id << 1 (private), or object id << 1 | 1 (shared).
    object: u64,
    offset: u64,
}

impl FutexKey {
    /// The word at `va` of address space `space`.
    pub fn private(space: u64, va: u64) -> FutexKey {
        FutexKey { object: space << 1, offset: va }
    }

    /// The word at byte `offset` of shared object `object` (an inode).
    pub fn shared(object: u64, offset: u64) -> FutexKey {
        FutexKey { object: object << 1 | 1, offset }
    }
}

/// One sleeping waiter: its key, thread id and FUTEX_WAIT_BITSET mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Waiter {
    key: FutexKey,
    tid: u32,
    bitset: u32,
}

/// Every waiter of every futex, oldest first.
#[derive(Default)]
pub struct FutexQueue {
    waiters: VecDeque<Waiter>,
}

impl FutexQueue {
    pub const fn new() -> FutexQueue {
        FutexQueue { waiters: VecDeque::new() }
    }

    /// Queues `tid` on `key` (a thread waits on one word at a time).
    pub fn enqueue(&mut self, key: FutexKey, tid: u32, bitset: u32) {
        self.remove(tid);
        self.waiters.push_back(Waiter { key, tid, bitset });
    }

    /// Takes `tid` out; whether it was still queued (if not, a wake took it).
    pub fn remove(&mut self, tid: u32) -> bool {
        let before = self.waiters.len();
        self.waiters.retain(|w| w.tid != tid);
        self.waiters.len() != before
    }

    pub fn is_queued(&self, tid: u32) -> bool {
        self.waiters.iter().any(|w| w.tid == tid)
    }

    /// Takes up to `n` of the oldest waiters on `key` whose bitset meets
    /// `bitset`; returns their tids, oldest first.
    pub fn wake(&mut self, key: FutexKey, n: usize, bitset: u32) -> alloc::vec::Vec<u32> {
        let mut woken = alloc::vec::Vec::new();
        self.waiters.retain(|w| {
            let take = woken.len() < n && w.key == key && w.bitset & bitset != 0;
            if take {
                woken.push(w.tid);
            }
            !take
        });
        woken
    }

    /// FUTEX_REQUEUE: wakes up to `n_wake` waiters on `from` (their tids
    /// returned) and moves up to `n_requeue` of the next ones to `to`, in
    /// their order; returns (woken, how many moved).
    pub fn requeue(
        &mut self,
        from: FutexKey,
        to: FutexKey,
        n_wake: usize,
        n_requeue: usize,
    ) -> (alloc::vec::Vec<u32>, usize) {
        let woken = self.wake(from, n_wake, u32::MAX);
        let mut moved = 0;
        for w in self.waiters.iter_mut().filter(|w| w.key == from) {
            if moved == n_requeue {
                break;
            }
            w.key = to;
            moved += 1;
        }
        (woken, moved)
    }

    /// How many wait on `key`.
    pub fn waiting_on(&self, key: FutexKey) -> usize {
        self.waiters.iter().filter(|w| w.key == key).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: u32 = u32::MAX;

    #[test]
    fn private_and_shared_keys_never_meet() {
        assert_ne!(FutexKey::private(3, 0x1000), FutexKey::shared(3, 0x1000));
        assert_ne!(FutexKey::private(3, 0x1000), FutexKey::private(4, 0x1000));
        assert_eq!(FutexKey::private(3, 0x1000), FutexKey::private(3, 0x1000));
        // Two processes mapping inode 7 at different addresses: same offset, same key.
        assert_eq!(FutexKey::shared(7, 0x2004), FutexKey::shared(7, 0x2004));
        assert_ne!(FutexKey::shared(7, 0x2004), FutexKey::shared(7, 0x2008));
    }

    #[test]
    fn wake_takes_the_oldest_waiters_of_the_key() {
        let (a, b) = (FutexKey::private(1, 0x100), FutexKey::private(1, 0x104));
        let mut q = FutexQueue::new();
        q.enqueue(a, 10, ANY);
        q.enqueue(b, 11, ANY);
        q.enqueue(a, 12, ANY);
        q.enqueue(a, 13, ANY);
        assert_eq!(q.wake(a, 2, ANY), [10, 12]);
        assert_eq!(q.wake(a, 5, ANY), [13]);
        assert_eq!(q.wake(a, 5, ANY), [] as [u32; 0]);
        assert_eq!(q.waiting_on(b), 1);
        assert_eq!(q.wake(b, 0, ANY), [] as [u32; 0], "n = 0 wakes nobody");
    }

    #[test]
    fn bitsets_select_waiters() {
        let k = FutexKey::shared(2, 0);
        let mut q = FutexQueue::new();
        q.enqueue(k, 1, 0b01);
        q.enqueue(k, 2, 0b10);
        q.enqueue(k, 3, ANY);
        assert_eq!(q.wake(k, 10, 0b10), [2, 3]);
        assert_eq!(q.wake(k, 10, 0b10), [] as [u32; 0]);
        assert_eq!(q.wake(k, 10, ANY), [1]);
    }

    #[test]
    fn requeue_wakes_then_moves_in_order() {
        let (from, to) = (FutexKey::private(1, 0x10), FutexKey::private(1, 0x20));
        let mut q = FutexQueue::new();
        for tid in 1..=5 {
            q.enqueue(from, tid, ANY);
        }
        let (woken, moved) = q.requeue(from, to, 1, 2);
        assert_eq!((woken.as_slice(), moved), ([1].as_slice(), 2));
        assert_eq!(q.waiting_on(from), 2);
        assert_eq!(q.wake(to, 10, ANY), [2, 3]);
        assert_eq!(q.wake(from, 10, ANY), [4, 5]);
    }

    #[test]
    fn remove_tells_whether_a_wake_came_first() {
        let k = FutexKey::private(1, 0);
        let mut q = FutexQueue::new();
        q.enqueue(k, 7, ANY);
        assert!(q.is_queued(7));
        assert_eq!(q.wake(k, 1, ANY), [7]);
        assert!(!q.remove(7), "woken: no longer queued");
        q.enqueue(k, 7, ANY);
        q.enqueue(k, 7, ANY);
        assert_eq!(q.waiting_on(k), 1, "a thread waits once");
        assert!(q.remove(7));
    }
}
