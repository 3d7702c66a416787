//! Getting programs into the machine: ELF images and the HTIF mailbox.

pub mod elf;
pub mod htif;
