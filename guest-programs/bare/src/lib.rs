//! Support for bare-metal guest programs on the `virt` board (sv39 or QEMU with
//! `-bios none`): the reset entry, exit with a status, and a UART console.
//!
//! A program is `#![no_std] #![no_main]`, links with `bare.ld` (its build.rs
//! prints `cargo:rustc-link-arg-bins=-Tbare.ld`) and defines
//! `#[no_mangle] extern "C" fn main() -> u32`: 0 is pass, n > 0 fails check n.
//!
//! Exit protocol: the status is written to `tohost` (HTIF, riscv-tests style:
//! `(n << 1) | 1`) and then to the SiFive test finisher (0x5555 pass,
//! `(n << 16) | 0x3333` fail), so the same ELF reports to sv39, QEMU's virt board
//! and HTIF targets alike.
#![no_std]

pub mod access;
pub mod check;
pub mod console;
pub mod paging;
pub mod trap;

use core::arch::global_asm;
use sv39_arch::memmap::{FINISHER_FAIL, FINISHER_PASS, TEST_BASE};

// Reset entry: hart 0 runs `main` on the stack above .bss. Other harts spin
// (WFI with no interrupt enabled would never wake) until `main` publishes an
// entry with `start_secondary_harts`, run it on 8 KiB stacks below hart 0's
// 32 KiB, then park.
global_asm!(
    r#"
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, 4f
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 3f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
3:  call main
    call bare_exit
4:  la t1, bare_secondary_entry
    ld t1, 0(t1)
    beqz t1, 4b
    la sp, __stack_top
    li t2, 0x8000
    sub sp, sp, t2
    addi t3, t0, -1
    slli t3, t3, 13
    sub sp, sp, t3
    mv a0, t0
    jalr t1
2:  wfi
    j 2b
"#
);

/// Where harts other than 0 go once `main` says so (0: keep waiting).
#[no_mangle]
pub static bare_secondary_entry: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// Starts every other hart at `entry(hartid)` in M-mode (at most 4 harts in
/// all: their stacks share the image's 64 KiB stack region).
pub fn start_secondary_harts(entry: extern "C" fn(u64)) {
    bare_secondary_entry.store(entry as usize, core::sync::atomic::Ordering::Release);
}

/// HTIF's mailbox, found by hosts through the ELF symbol table.
#[no_mangle]
#[link_section = ".tohost"]
pub static mut tohost: u64 = 0;
#[no_mangle]
#[link_section = ".tohost"]
pub static mut fromhost: u64 = 0;

/// Ends the program: 0 passes, n > 0 reports failed check n.
#[no_mangle]
pub extern "C" fn bare_exit(status: u32) -> ! {
    console::flush();
    // SAFETY: tohost is this program's HTIF mailbox and the finisher an MMIO
    // register; both are written with volatile stores.
    unsafe {
        core::ptr::write_volatile(&raw mut tohost, ((status as u64) << 1) | 1);
        let word = if status == 0 { FINISHER_PASS } else { (status << 16) | FINISHER_FAIL };
        core::ptr::write_volatile(TEST_BASE as *mut u32, word);
    }
    loop {
        core::hint::spin_loop();
    }
}

/// Grants S and U mode access to all of memory through PMP entry 0 (NAPOT over
/// the whole address space), as machines without an SBI firmware need before
/// dropping privilege.
pub fn pmp_allow_all() {
    // SAFETY: writing PMP CSRs only changes which addresses lower modes may use.
    unsafe {
        core::arch::asm!(
            "li t0, -1",
            "csrw pmpaddr0, t0",
            "li t0, 0x1f",
            "csrw pmpcfg0, t0",
            out("t0") _,
        );
    }
}

/// PMP: entry 0 covers the 4 KiB page at `page` (NAPOT) with permissions `rwx`
/// (`pmpcfg::R|W|X`, 0 = none) for S/U; entry 1 grants the rest of memory. Then
/// fences, as 3.7.2 asks after PMP changes under paging.
pub fn pmp_restrict_page(page: u64, rwx: u8) {
    use sv39_arch::csr::pmpcfg::{A_NAPOT, A_SHIFT, R, W, X};
    let napot = A_NAPOT << A_SHIFT;
    let cfg = (((napot | R | W | X) as u64) << 8) | (napot | rwx) as u64;
    // SAFETY: PMP without the L bit restricts only S/U accesses; M-mode is unaffected.
    unsafe {
        core::arch::asm!(
            "csrw pmpaddr0, {a}", "csrw pmpaddr1, {all}", "csrw pmpcfg0, {c}",
            a = in(reg) (page >> 2) | 0x1ff, all = in(reg) -1i64, c = in(reg) cfg,
        )
    };
    paging::sfence_vma_all();
}

/// Sets bits in `mstatus` (SUM, MXR, MPP, TVM, ...); they stay across `run_in`.
pub fn mstatus_set(bits: u64) {
    // SAFETY: tests change only translation- and trap-related mstatus bits.
    unsafe { core::arch::asm!("csrs mstatus, {}", in(reg) bits) };
}

/// Clears bits in `mstatus`.
pub fn mstatus_clear(bits: u64) {
    // SAFETY: as in `mstatus_set`.
    unsafe { core::arch::asm!("csrc mstatus, {}", in(reg) bits) };
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("panic: {info}");
    bare_exit(0xff)
}
