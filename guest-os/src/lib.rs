//! The portable pieces of the kernel: pure logic with no hardware access,
//! used by the kernel binary (main.rs) and unit-tested on the host with
//! `cargo test --target x86_64-unknown-linux-gnu -p guest-os --lib`
//! (run from guest-programs/).
//!
//! The modules sit in the same folders as the kernel's own (mm/, fs/, proc/, tty/);
//! main.rs re-exports them there.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod mm {
    pub mod frame_pool;
    pub mod page_cache;
    pub mod page_table;
    pub mod swap_cache;
    pub mod swap_map;
    pub mod uvm;
    pub mod vma;
}

pub mod fs {
    pub mod cpio;
    pub mod p9_wire;
    pub mod path;
}

pub mod proc {
    pub mod elf;
    pub mod futex_queue;
    pub mod stack;
}

pub mod tty {
    pub mod n_tty;
}
