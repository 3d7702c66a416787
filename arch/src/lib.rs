//! RISC-V architecture definitions shared by the `sv39` emulator and the guest
//! kernel: one source of truth for CSR numbers and fields, trap causes, PTE
//! bits, Sv39 geometry, address types and the `virt` board's memory map.
//!
//! Names follow the RISC-V Privileged Architecture 1.12 (20211203).
#![no_std]

pub mod addr;
pub mod cause;
pub mod csr;
pub mod memmap;
pub mod pte;
pub mod sv39;

pub use addr::{PhysAddr, Ppn, VirtAddr, Vpn};
