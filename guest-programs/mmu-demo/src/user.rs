//! The code the demo runs below M-mode: tiny functions that load, store or jump
//! through one virtual address (`run_in`'s argument) and return what they saw.
//! They touch memory only through that address, so every trap they cause is the
//! MMU's verdict on it.

use core::arch::global_asm;
use core::ptr::{read_volatile, write_volatile};
use sv39_arch::sv39::PAGE_SIZE;

/// What `store` writes, easy to spot in a dump.
pub const MARKER: u64 = 0x5ca1_ab1e_0000_0001;
/// Pages `fill_lazy` touches.
pub const LAZY_PAGES: u64 = 3;

// A page of code holding one function, so a second mapping of the page can
// execute it (or be forbidden to): `li a0, 42; ret`, position-independent.
global_asm!(
    r#"
    .section .text.mmu_demo_code_page, "ax"
    .balign 4096
    .globl answer
answer:
    .option push
    .option norvc
    li a0, 42
    ret
    .option pop
    .balign 4096
"#
);

extern "C" {
    /// Returns 42; the only thing in its 4 KiB page.
    pub fn answer(arg: u64) -> u64;
}

/// Where `answer` lives: the start of its page (M-mode addresses are physical).
pub fn answer_pa() -> u64 {
    answer as *const () as u64
}

/// The first instruction of `answer`: `addi a0, zero, 42`.
pub const ANSWER_INSN: u32 = 0x02a0_0513;

/// Loads the u64 at `va`.
pub extern "C" fn load(va: u64) -> u64 {
    // SAFETY: runs in S/U mode, where the MMU checks `va`; a fault ends the call.
    unsafe { read_volatile(va as *const u64) }
}

/// Loads the u32 at `va`.
pub extern "C" fn load_u32(va: u64) -> u64 {
    // SAFETY: as in `load`.
    unsafe { read_volatile(va as *const u32) as u64 }
}

/// Stores `MARKER` at `va`.
pub extern "C" fn store(va: u64) -> u64 {
    // SAFETY: as in `load`.
    unsafe { write_volatile(va as *mut u64, MARKER) };
    0
}

/// Writes n + 1 to the first word of page n of `LAZY_PAGES` pages at `va`, then
/// returns the sum of the words read back (6 when all went well). Rerunning it
/// after a fault redoes the same stores, so M-mode may simply retry it.
pub extern "C" fn fill_lazy(va: u64) -> u64 {
    let page = |n: u64| (va + n * PAGE_SIZE) as *mut u64;
    // SAFETY: as in `load`.
    unsafe {
        (0..LAZY_PAGES).for_each(|n| write_volatile(page(n), n + 1));
        (0..LAZY_PAGES).map(|n| read_volatile(page(n))).sum()
    }
}

/// Stores `MARKER` in the first and the last word of the 2 MiB at `va`.
pub extern "C" fn touch_superpage(va: u64) -> u64 {
    store(va);
    store(va + (2 << 20) - 8)
}
