//! The memory layout: where everything is, physically and virtually.
//!
//! ```text
//! Virtual (Sv39: 39-bit addresses, sign-extended)
//!
//!  0xffff_ffff_ffff_ffff ┐
//!                        │ unused
//!  KSTACK_TOP            ┤
//!                        │ kernel stacks: slot i spans KSTACK_SLOT bytes from
//!                        │ KSTACK_BASE + i * KSTACK_SLOT; its lowest page is an
//!                        │ unmapped guard, the trap frame sits at the top
//!  KSTACK_BASE           ┤ 0xffff_ffd0_0000_0000
//!                        │ unused
//!  PHYS_OFFSET + RAM end ┤
//!                        │ free RAM (frames), initrd, DTB: RW-
//!                        │ kernel heap: RW-
//!                        │ .bss (boot stack with a guard page below it), .data: RW-
//!                        │ .rodata: R--
//!                        │ .text: R-X
//!  KERNEL_BASE           ┤ 0xffff_ffc0_8000_0000 = PHYS_OFFSET + RAM base
//!                        │ devices (UART, PLIC, test finisher): RW-, at
//!                        │ PHYS_OFFSET + their physical address
//!  PHYS_OFFSET           ┘ 0xffff_ffc0_0000_0000: physical address p is at PHYS_OFFSET + p
//!
//!                          (non-canonical hole)
//!
//!  USER_TOP              ┐ 0x0000_0040_0000_0000 (exclusive)
//!  USER_STACK_TOP        ┤ USER_TOP - one page: the highest stack top
//!                        │ stack top: USER_STACK_TOP - random (< RANDOM_RANGE)
//!                        │ user stack: grows down on demand from its top, at
//!                        │ most STACK_LIMIT; below it STACK_GUARD_GAP unmapped
//!                        │ (a fault there is a SIGSEGV)
//!  MMAP_TOP              ┤ USER_STACK_TOP - RANDOM_RANGE - MMAP_GAP
//!                        │ mmap base: MMAP_TOP - random; mappings without an
//!                        │ address go below it, top down; [vdso] first
//!                        │ ...
//!  DYN_BASE              ┤ + random: static-pie (ET_DYN) programs are loaded here
//!                        │ heap (brk): random pages above the highest segment
//!                        │ ELF segments (ET_EXEC: where they say, typically 0x10000)
//!  MMAP_MIN_ADDR         ┤ 0x10000: nothing below (MAP_FIXED there is EPERM)
//!  0x0                   ┘ never mapped
//!
//!  "random" is page-aligned and below RANDOM_RANGE, drawn per exec from the
//!  kernel RNG (seeded from /chosen/rng-seed); `norandmaps` makes it 0.
//!
//! Physical
//!
//!  0x8000_0000  kernel image (.text .rodata .data .bss), as linked
//!  __kernel_end kernel heap (heap_size(RAM) bytes)
//!  heap end     frames, managed by mm::frame, except the initrd (until it is
//!               unpacked) and the DTB (kept), which QEMU places near the top
//! ```
//!
//! Every kernel mapping is global (G) and lives in root-table entries 256-511,
//! which every address space shares; user mappings live in entries 0-255.

use sv39_arch::sv39::PAGE_SIZE;
use sv39_arch::{PhysAddr, VirtAddr};

/// Physical address `p` is mapped at `PHYS_OFFSET + p` (the direct map).
pub const PHYS_OFFSET: u64 = 0xffff_ffc0_0000_0000;
/// Where the kernel is linked: the direct-map address of the RAM base (link.ld).
pub const KERNEL_BASE: u64 = 0xffff_ffc0_8000_0000;
const _: () = assert!(KERNEL_BASE == PHYS_OFFSET + sv39_arch::memmap::RAM_BASE);

/// Kernel stacks: one slot per process.
pub const KSTACK_BASE: u64 = 0xffff_ffd0_0000_0000;
/// Pages of stack in a slot (the trap frame included); one more is the guard.
pub const KSTACK_PAGES: u64 = 4;
pub const KSTACK_SLOT: u64 = (KSTACK_PAGES + 1) * PAGE_SIZE;

/// Root-table entries: user half 0-255, kernel half 256-511.
pub const USER_ROOT_ENTRIES: core::ops::Range<usize> = 0..256;
pub const KERNEL_ROOT_ENTRIES: core::ops::Range<usize> = 256..512;

/// The end of the user half (exclusive).
pub const USER_TOP: u64 = 0x40_0000_0000;
/// The highest top of a new program's stack, a guard page below USER_TOP.
pub const USER_STACK_TOP: u64 = USER_TOP - PAGE_SIZE;
/// How far the stack may grow down (RLIMIT_STACK's usual 8 MiB).
pub const STACK_LIMIT: u64 = 8 << 20;
/// Unmapped bytes kept below the stack's limit and its lowest page
/// (Linux's stack_guard_gap, 256 pages).
pub const STACK_GUARD_GAP: u64 = 1 << 20;
/// The stack mapping at exec reaches this far below the arguments; it
/// grows from there on demand.
pub const STACK_INITIAL: u64 = 128 * 1024;
/// The most bytes argv, envp and their pointers may take on a new stack.
pub const ARG_MAX: usize = 128 * 1024;
/// Stack top, mmap base, heap start and ET_DYN base each move down (up, for
/// the last two) by a random number of pages below this (Linux's 18 bits
/// of mmap randomness on 64-bit).
pub const RANDOM_RANGE: u64 = 1 << 30;
/// Room between the lowest stack top and the highest mmap base.
pub const MMAP_GAP: u64 = 128 << 20;
/// The mmap base before randomization.
pub const MMAP_TOP: u64 = USER_STACK_TOP - RANDOM_RANGE - MMAP_GAP;
/// Nothing is mapped below this (vm.mmap_min_addr).
pub const MMAP_MIN_ADDR: u64 = 0x10000;
/// Where static-pie programs are loaded, before randomization (2/3 of the
/// user half, Linux's ELF_ET_DYN_BASE).
pub const DYN_BASE: u64 = 0x2a_aaaa_a000;
/// The most the heap (brk) may grow.
pub const BRK_MAX: u64 = 1 << 30;

/// The most processes alive at once (and kernel-stack slots).
pub const MAX_PROCS: usize = 64;
/// The most mappings an address space may have (Linux's max_map_count, cut
/// so that MAX_PROCS spaces at the limit fit in the kernel heap).
pub const MAX_VMAS: usize = 512;

/// The kernel heap for `ram` bytes of RAM: 1/16 of it, between 4 and 32
/// MiB. Page caches take an entry per page they hold, and with swap a
/// shared memory object can hold several times RAM: at --mem 32M, a 2 MiB
/// heap ran out under `swap -s` (87 MiB of shm_open memory).
pub const fn heap_size(ram: u64) -> u64 {
    let h = ram / 16;
    let h = if h < (4 << 20) { 4 << 20 } else { h };
    let h = if h > (32 << 20) { 32 << 20 } else { h };
    h & !(PAGE_SIZE - 1)
}

/// The kernel virtual address of physical address `pa` (direct map).
pub fn phys_to_virt(pa: PhysAddr) -> VirtAddr {
    match VirtAddr::new(PHYS_OFFSET + pa.as_u64()) {
        Ok(va) => va,
        Err(_) => panic!("physical address {:#x} is beyond the direct map", pa.as_u64()),
    }
}

/// The physical address of a direct-mapped kernel address.
pub fn virt_to_phys(va: u64) -> PhysAddr {
    assert!((PHYS_OFFSET..KSTACK_BASE).contains(&va), "{va:#x} is not in the direct map");
    PhysAddr(va - PHYS_OFFSET)
}

/// Symbols of link.ld.
mod linker {
    extern "C" {
        pub static __kernel_start: u8;
        pub static __text_end: u8;
        pub static __rodata_end: u8;
        pub static __kernel_end: u8;
    }
}

/// The kernel image's section boundaries, as virtual addresses.
pub struct KernelSections {
    pub start: u64,
    pub text_end: u64,
    pub rodata_end: u64,
    pub end: u64,
}

/// Where link.ld put each section.
pub fn kernel_sections() -> KernelSections {
    KernelSections {
        start: core::ptr::addr_of!(linker::__kernel_start) as u64,
        text_end: core::ptr::addr_of!(linker::__text_end) as u64,
        rodata_end: core::ptr::addr_of!(linker::__rodata_end) as u64,
        end: core::ptr::addr_of!(linker::__kernel_end) as u64,
    }
}
