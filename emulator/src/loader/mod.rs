//! Getting programs into the machine: ELF images, firmware and kernel files
//! as QEMU loads them, and the HTIF mailbox.

pub mod elf;
pub mod htif;
pub mod kernel;
