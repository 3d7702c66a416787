//! `sv39`: an RV64IMAC emulator with a real Sv39 MMU on a copy of QEMU's `virt`
//! board. See DESIGN.md at the repository root for the layers and the path of
//! one instruction and one page fault through them.

pub mod board;
pub mod bus;
pub mod cli;
pub mod conformance;
pub mod devices;
pub mod gdb;
pub mod hart;
pub mod inspect;
pub mod jit;
pub mod loader;
pub mod machine;
pub mod mmu;
pub mod run;
pub mod stats;
pub mod trace;

/// Where the emulator's build put the guest programs (bare-metal tests, demo,
/// benchmark): the nested guest workspace's release output directory.
pub const GUEST_BIN_DIR: &str = env!("SV39_GUEST_BIN_DIR");
