//! 4.2.1: SFENCE.VMA "If rs1=x0 and rs2=x0 ... invalidates all address-translation cache entries, for
//! all address spaces", "rs1=x0 and rs2!=x0 ... except for entries containing global mappings",
//! "rs1!=x0 and rs2=x0 ... entries that contain leaf page table entries corresponding to the virtual
//! address in rs1, for all address spaces", "rs1!=x0 and rs2!=x0 ... that match the address space
//! identified by integer register rs2, except for entries containing global mappings."
//!
//! Case: The level-1 pointer moves; sfence.vma x0, asid ("If software modifies a non-leaf PTE, it
//! should execute SFENCE.VMA with rs1=x0").
#![no_std]
#![no_main]
conformance::case!(
    "4.2.1: pointer change, x0, asid",
    Remap { level: 0, global: false, change: Change::Pointer, fence: Fence::Asid, covers: true }
);
