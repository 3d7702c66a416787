//! The hart's supervisor-mode state: CSR access (numbers from sv39-arch),
//! `sfence.vma`, the interrupt enable, `wfi`, the time, and the calls to the
//! M-mode stage (boot/mtrap.S).

use core::arch::asm;
use sv39_arch::csr::{self, mstatus};

/// Reads CSR `$csr` (a constant of `sv39_arch::csr`).
macro_rules! csr_read {
    ($csr:path) => {{
        let value: u64;
        // SAFETY: reading a supervisor CSR has no side effect on memory.
        unsafe { core::arch::asm!("csrr {v}, {c}", v = out(reg) value, c = const $csr) };
        value
    }};
}

/// Writes, sets bits of, or clears bits of CSR `$csr`.
macro_rules! csr_op {
    ($op:literal, $csr:path, $value:expr) => {{
        let value: u64 = $value;
        // SAFETY: the callers below write only the CSR fields they document.
        unsafe { core::arch::asm!(concat!($op, " {c}, {v}"), v = in(reg) value, c = const $csr) };
    }};
}

pub fn scause() -> u64 {
    csr_read!(csr::SCAUSE)
}

pub fn stval() -> u64 {
    csr_read!(csr::STVAL)
}

pub fn sepc() -> u64 {
    csr_read!(csr::SEPC)
}

pub fn satp() -> u64 {
    csr_read!(csr::SATP)
}

/// The `time` CSR: ticks of the timebase since reset.
pub fn time() -> u64 {
    csr_read!(csr::TIME)
}

pub fn set_stvec(entry: u64) {
    csr_op!("csrw", csr::STVEC, entry);
}

pub fn set_sscratch(value: u64) {
    csr_op!("csrw", csr::SSCRATCH, value);
}

/// Enables the interrupt sources in `mask` (bits of `sie`).
pub fn enable_interrupt_sources(mask: u64) {
    csr_op!("csrs", csr::SIE, mask);
}

/// Sets the next timer deadline through Sstc's `stimecmp`.
pub fn set_stimecmp(deadline: u64) {
    csr_op!("csrw", csr::STIMECMP, deadline);
}

/// `sstatus.SIE`: interrupts taken in S-mode.
pub fn interrupts_on() {
    csr_op!("csrs", csr::SSTATUS, mstatus::SIE);
}

pub fn interrupts_off() {
    csr_op!("csrc", csr::SSTATUS, mstatus::SIE);
}

/// `sstatus.SUM`: lets S-mode touch U pages (only copy_user sets it).
pub fn permit_user_access(on: bool) {
    if on {
        csr_op!("csrs", csr::SSTATUS, mstatus::SUM);
    } else {
        csr_op!("csrc", csr::SSTATUS, mstatus::SUM);
    }
}

/// Switches to the address space `satp`, then flushes what the switch needs:
/// nothing with distinct ASIDs (entries are tagged), everything without.
pub fn switch_satp(value: u64, flush_all: bool) {
    csr_op!("csrw", csr::SATP, value);
    if flush_all {
        sfence_vma_all();
    }
}

/// `sfence.vma zero, zero`: forget every cached translation.
pub fn sfence_vma_all() {
    // SAFETY: a fence only orders the hart's own translation caches.
    unsafe { asm!("sfence.vma zero, zero") };
}

/// `sfence.vma va, asid`: forget the translation of one page of one ASID.
pub fn sfence_vma(va: u64, asid: u16) {
    // SAFETY: as above.
    unsafe { asm!("sfence.vma {}, {}", in(reg) va, in(reg) asid as u64) };
}

/// `sfence.vma va, zero`: forget one page's translation in every address
/// space, global (kernel) entries included.
pub fn sfence_vma_global(va: u64) {
    // SAFETY: as above.
    unsafe { asm!("sfence.vma {}, zero", in(reg) va) };
}

/// `sfence.vma zero, asid`: forget the non-global translations of an ASID.
pub fn sfence_vma_asid(asid: u16) {
    // SAFETY: as above.
    unsafe { asm!("sfence.vma zero, {}", in(reg) asid as u64) };
}

/// `fence.i`: later instruction fetches on this hart see earlier stores.
pub fn fence_i() {
    // SAFETY: a fence only orders this hart's instruction fetches.
    unsafe { asm!("fence.i") };
}

/// Waits for an interrupt.
pub fn wait_for_interrupt() {
    // SAFETY: wfi only pauses the hart.
    unsafe { asm!("wfi") };
}

/// Calls the M-mode stage: function `which` with arguments `a0..a2`.
pub fn machine_call(which: u64, a0: u64, a1: u64, a2: u64) -> i64 {
    let ret: i64;
    // SAFETY: m_trap reads a0-a2 and a7, writes a0, and preserves the rest.
    unsafe { asm!("ecall", inlateout("a0") a0 as i64 => ret, in("a1") a1, in("a2") a2, in("a7") which) };
    ret
}

/// The number of ASID bits the hart implements: write all ones, read back.
pub fn probe_asid_bits() -> u32 {
    let old = satp();
    csr_op!("csrw", csr::SATP, old | csr::satp::ASID);
    let bits = ((satp() & csr::satp::ASID) >> csr::satp::ASID_SHIFT).count_ones();
    csr_op!("csrw", csr::SATP, old);
    sfence_vma_all();
    bits
}
