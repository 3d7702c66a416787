//! `struct iovec` (include/uapi/linux/uio.h) for `readv`/`writev`.

/// One buffer: a user address and a length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct IoVec {
    pub iov_base: usize,
    pub iov_len: usize,
}

/// The most buffers one call takes (`UIO_MAXIOV`); more is `EINVAL`.
pub const UIO_MAXIOV: usize = 1024;

#[cfg(test)]
mod tests {
    #[test]
    fn layout() {
        assert_eq!(core::mem::size_of::<super::IoVec>(), 16);
    }
}
