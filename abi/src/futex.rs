//! `futex` operations (include/uapi/linux/futex.h): the operation is the low
//! bits of the second argument, optionally with `FUTEX_PRIVATE_FLAG` (the
//! word is not shared with another address space) and `FUTEX_CLOCK_REALTIME`.

pub const FUTEX_WAIT: u32 = 0;
pub const FUTEX_WAKE: u32 = 1;
pub const FUTEX_REQUEUE: u32 = 3;
pub const FUTEX_CMP_REQUEUE: u32 = 4;
pub const FUTEX_WAKE_OP: u32 = 5;
pub const FUTEX_WAIT_BITSET: u32 = 9;
pub const FUTEX_WAKE_BITSET: u32 = 10;
pub const FUTEX_PRIVATE_FLAG: u32 = 128;
pub const FUTEX_CLOCK_REALTIME: u32 = 256;
/// Mask that leaves the operation alone.
pub const FUTEX_CMD_MASK: u32 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
pub const FUTEX_WAIT_PRIVATE: u32 = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
pub const FUTEX_WAKE_PRIVATE: u32 = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
pub const FUTEX_BITSET_MATCH_ANY: u32 = u32::MAX;

// Robust futexes (set_robust_list(2)): the lock word of a robust mutex
// holds its owner's tid, with these two flags above it.
/// Someone waits for the lock: its owner's death must wake one waiter.
pub const FUTEX_WAITERS: u32 = 0x8000_0000;
/// The owner died holding the lock (set by the kernel at its exit).
pub const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
pub const FUTEX_TID_MASK: u32 = 0x3fff_ffff;
/// `struct robust_list_head`: the list's first link, the offset from a
/// link to its lock word, and the link being added or removed.
pub const ROBUST_LIST_HEAD_LEN: usize = 24;
/// How many links the kernel follows at most (a cycle cannot hang it).
pub const ROBUST_LIST_LIMIT: usize = 2048;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_linux() {
        assert_eq!((FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET), (0, 1, 9));
        assert_eq!((FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE), (128, 129));
        assert_eq!(FUTEX_CMD_MASK as i32, -385);
    }
}
