//! Sv39 page-table entries (privileged spec 4.4.1, figure 4.21).

pub const PTE_V: u64 = 1 << 0;
pub const PTE_R: u64 = 1 << 1;
pub const PTE_W: u64 = 1 << 2;
pub const PTE_X: u64 = 1 << 3;
pub const PTE_U: u64 = 1 << 4;
pub const PTE_G: u64 = 1 << 5;
pub const PTE_A: u64 = 1 << 6;
pub const PTE_D: u64 = 1 << 7;
/// The two bits reserved for supervisor software.
pub const PTE_RSW: u64 = 0b11 << 8;
pub const PTE_PPN_SHIFT: u32 = 10;
/// PPN[2:0]: bits 53:10.
pub const PTE_PPN_MASK: u64 = ((1 << 44) - 1) << PTE_PPN_SHIFT;
/// Bits 63:54: reserved (N, PBMT and the rest) while Svnapot and Svpbmt are not implemented.
pub const PTE_RESERVED: u64 = !((1u64 << 54) - 1);

/// The physical page number a PTE holds.
pub const fn pte_ppn(pte: u64) -> u64 {
    (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT
}

/// Builds a PTE pointing at physical address `pa` with `flags`.
pub const fn make_pte(pa: u64, flags: u64) -> u64 {
    ((pa >> 12) << PTE_PPN_SHIFT) | flags
}

/// A PTE with any of R, W, X set is a leaf (spec 4.3.2 step 4).
pub const fn is_leaf(pte: u64) -> bool {
    pte & (PTE_R | PTE_W | PTE_X) != 0
}
