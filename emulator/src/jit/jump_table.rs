//! The jump table: blocks direct-mapped by virtual pc, in front of the
//! translator's block cache. The dispatcher looks up every block it enters
//! here first; translated code reads it too, for the jumps whose target is
//! known only at run time (jalr) or lies on another page, and jumps straight
//! to the block when the entry still holds (`emit::Emitter::jump_through_table`).
//!
//! An entry holds while three things do, and both readers check all three:
//! the fetch TLB still maps `va` to `host` in the current context and ASID
//! (so satp writes, sfence.vma and privilege changes need no flush here),
//! the block's RAM page is still at generation `gen` (no write reached its
//! code), and the code buffer was not emptied since (which empties the table).

/// A cached block: host code at `code` for the guest code at virtual `va`,
/// host address `host`, on RAM page `page` at generation `gen`; `code` 0
/// means the interpreter runs the instruction at `va`.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub struct Block {
    pub va: u64,
    pub host: usize,
    pub code: usize,
    pub page: u32,
    pub gen: u32,
}

pub const ENTRIES: usize = 4096;

/// An entry no pc matches (pcs are even).
pub const EMPTY: Block = Block { va: 1, host: 0, code: 0, page: 0, gen: 0 };

/// Where translated code finds an entry's fields (`Block` is 32 bytes, so
/// the slot is found with a shift).
pub const SIZE_SHIFT: u32 = 5;
pub const VA: i32 = std::mem::offset_of!(Block, va) as i32;
pub const HOST: i32 = std::mem::offset_of!(Block, host) as i32;
pub const CODE: i32 = std::mem::offset_of!(Block, code) as i32;
pub const PAGE: i32 = std::mem::offset_of!(Block, page) as i32;
pub const GEN: i32 = std::mem::offset_of!(Block, gen) as i32;
const _: () = assert!(std::mem::size_of::<Block>() == 1 << SIZE_SHIFT);

/// The slot of `va`: compressed code puts blocks 2 bytes apart.
#[inline(always)]
pub fn slot(va: u64) -> usize {
    (va as usize >> 1) % ENTRIES
}
