//! `prctl` options (include/uapi/linux/prctl.h) the kernel serves.

/// Sets the calling thread's name (`comm`, at most 15 bytes).
pub const PR_SET_NAME: u32 = 15;
/// Reads it into a 16-byte buffer, NUL-terminated.
pub const PR_GET_NAME: u32 = 16;
/// The size of a thread name with its NUL (TASK_COMM_LEN).
pub const TASK_COMM_LEN: usize = 16;
