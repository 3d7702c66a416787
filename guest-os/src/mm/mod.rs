//! Memory management: frames, the kernel heap, the kernel's page table,
//! process address spaces and user-memory access. The page-table code, the
//! VMA set and the frame pool are portable: `guest_os::mm` in the library.

pub mod address_space;
pub mod backing;
pub mod cached_frame;
pub mod frame;
pub mod heap;
pub mod kernel_space;
pub mod page_ops;
pub mod swap;
pub mod uaccess;
