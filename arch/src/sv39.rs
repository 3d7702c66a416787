//! Sv39 geometry (privileged spec 4.4): 39-bit virtual addresses, three levels of
//! 512-entry page tables, 4 KiB pages, 2 MiB and 1 GiB superpages.

pub const PAGE_SHIFT: u32 = 12;
pub const PAGE_SIZE: u64 = 1 << PAGE_SHIFT;
pub const LEVELS: usize = 3;
pub const PTE_SIZE: u64 = 8;
pub const VPN_BITS: u32 = 9;
pub const VA_BITS: u32 = 39;
pub const PA_BITS: u32 = 56;
pub const ENTRIES_PER_TABLE: usize = 512;

/// Size of the region a leaf PTE maps at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB).
pub const fn level_size(level: usize) -> u64 {
    PAGE_SIZE << (VPN_BITS as usize * level)
}

/// VPN[level] of a virtual address.
pub const fn vpn_index(va: u64, level: usize) -> usize {
    ((va >> (PAGE_SHIFT + VPN_BITS * level as u32)) & 0x1ff) as usize
}
