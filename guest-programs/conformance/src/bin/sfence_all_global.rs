//! 4.2.1: SFENCE.VMA "If rs1=x0 and rs2=x0 ... invalidates all address-translation cache entries, for
//! all address spaces", "rs1=x0 and rs2!=x0 ... except for entries containing global mappings",
//! "rs1!=x0 and rs2=x0 ... entries that contain leaf page table entries corresponding to the virtual
//! address in rs1, for all address spaces", "rs1!=x0 and rs2!=x0 ... that match the address space
//! identified by integer register rs2, except for entries containing global mappings."
//!
//! Case: A global leaf moves; sfence.vma x0, x0 flushes globals too.
#![no_std]
#![no_main]
conformance::case!(
    "4.2.1: x0, x0 (global)",
    Remap { level: 0, global: true, change: Change::Leaf, fence: Fence::All, covers: true }
);
