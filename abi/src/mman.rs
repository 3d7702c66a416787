//! Memory-mapping flags (include/uapi/asm-generic/mman-common.h and mman.h,
//! include/uapi/linux/mman.h): `mmap` protections and flags, `msync`,
//! `madvise` and `mremap`.

pub const PROT_NONE: u32 = 0x0;
pub const PROT_READ: u32 = 0x1;
pub const PROT_WRITE: u32 = 0x2;
pub const PROT_EXEC: u32 = 0x4;
/// Accepted by mprotect and ignored (Linux's "may be used for atomics").
pub const PROT_SEM: u32 = 0x8;
pub const PROT_GROWSDOWN: u32 = 0x0100_0000;
pub const PROT_GROWSUP: u32 = 0x0200_0000;

/// Mask of the mapping type: `MAP_SHARED`, `MAP_PRIVATE` or `MAP_SHARED_VALIDATE`.
pub const MAP_TYPE: u32 = 0x0f;
pub const MAP_SHARED: u32 = 0x01;
pub const MAP_PRIVATE: u32 = 0x02;
/// As `MAP_SHARED`, but unknown flags fail with `EOPNOTSUPP`.
pub const MAP_SHARED_VALIDATE: u32 = 0x03;
pub const MAP_FIXED: u32 = 0x10;
pub const MAP_ANONYMOUS: u32 = 0x20;
pub const MAP_GROWSDOWN: u32 = 0x0100;
pub const MAP_DENYWRITE: u32 = 0x0800;
pub const MAP_EXECUTABLE: u32 = 0x1000;
pub const MAP_LOCKED: u32 = 0x2000;
pub const MAP_NORESERVE: u32 = 0x4000;
pub const MAP_POPULATE: u32 = 0x8000;
pub const MAP_NONBLOCK: u32 = 0x1_0000;
pub const MAP_STACK: u32 = 0x2_0000;
pub const MAP_HUGETLB: u32 = 0x4_0000;
pub const MAP_SYNC: u32 = 0x8_0000;
/// As `MAP_FIXED`, but fails with `EEXIST` instead of replacing a mapping.
pub const MAP_FIXED_NOREPLACE: u32 = 0x10_0000;
/// What `mmap` returns on failure in C (`(void *)-1`); the system call itself
/// returns `-errno`.
pub const MAP_FAILED: usize = usize::MAX;

pub const MS_ASYNC: u32 = 1;
pub const MS_INVALIDATE: u32 = 2;
pub const MS_SYNC: u32 = 4;

pub const MADV_NORMAL: u32 = 0;
pub const MADV_RANDOM: u32 = 1;
pub const MADV_SEQUENTIAL: u32 = 2;
pub const MADV_WILLNEED: u32 = 3;
/// Drop the pages: private anonymous memory reads as zero afterwards.
pub const MADV_DONTNEED: u32 = 4;
pub const MADV_FREE: u32 = 8;
pub const MADV_REMOVE: u32 = 9;
pub const MADV_DONTFORK: u32 = 10;
pub const MADV_DOFORK: u32 = 11;
pub const MADV_HUGEPAGE: u32 = 14;
pub const MADV_NOHUGEPAGE: u32 = 15;
pub const MADV_POPULATE_READ: u32 = 22;
pub const MADV_POPULATE_WRITE: u32 = 23;

pub const MREMAP_MAYMOVE: u32 = 1;
pub const MREMAP_FIXED: u32 = 2;
pub const MREMAP_DONTUNMAP: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_asm_generic() {
        assert_eq!((PROT_READ | PROT_WRITE | PROT_EXEC), 7);
        assert_eq!((MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS), (1, 2, 16, 32));
        assert_eq!((MAP_POPULATE, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_STACK), (32768, 1048576, 16384, 131072));
        assert_eq!((MS_ASYNC, MS_SYNC, MADV_DONTNEED, MREMAP_MAYMOVE), (1, 4, 4, 1));
    }
}
