//! 4.2.1: SFENCE.VMA "If rs1=x0 and rs2=x0 ... invalidates all address-translation cache entries, for
//! all address spaces", "rs1=x0 and rs2!=x0 ... except for entries containing global mappings",
//! "rs1!=x0 and rs2=x0 ... entries that contain leaf page table entries corresponding to the virtual
//! address in rs1, for all address spaces", "rs1!=x0 and rs2!=x0 ... that match the address space
//! identified by integer register rs2, except for entries containing global mappings."
//!
//! Case: S-mode load; the level-1 pointer has G set: a global pointer is valid ("For non-leaf PTEs, the
//! global setting implies that all mappings in the subsequent levels of the page table are global",
//! 4.3.1).
#![no_std]
#![no_main]
conformance::case!("4.3.1: G in pointer is valid", Case::s(Load).flip(1, G));
