//! Helpers shared by the hart tests (one bin per test in `src/bin/`): CSR
//! access by name, numbered checks, and the CLINT registers.
//!
//! A test's `main` returns `status(body())`: each check has a number, and the
//! first one to fail is the program's exit status.
//!
//! Exit statuses are 8 bits on QEMU, so check numbers stay below 250 (254 is
//! bare's unexpected trap, 255 its panic).
//!
//! Bins named `qemubug_*` check a rule QEMU 7.2 breaks (each quotes the spec):
//! they must pass on sv39 and fail on QEMU. Every other bin passes on both.
#![no_std]

pub use bare::trap::{run, run_in, Taken, Trap};
pub use sv39_arch::cause::{exc, irq, INTERRUPT_BIT};
pub use sv39_arch::csr::{mip, mstatus, Priv};
use sv39_arch::memmap::{CLINT_BASE, CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP, PLIC_BASE, UART0_BASE, UART0_IRQ};

/// The result of a test body: `Err(n)` names the failed check.
pub type Checks = Result<(), u32>;

/// Turns a test body's result into `main`'s status.
pub fn status(r: Checks) -> u32 {
    match r {
        Ok(()) => 0,
        Err(n) => n,
    }
}

/// Reads a CSR by name: `csrr!("mstatus")`.
#[macro_export]
macro_rules! csrr {
    ($csr:literal) => {{
        let v: u64;
        // SAFETY: reading a CSR has no side effect on memory.
        unsafe { core::arch::asm!(concat!("csrr {0}, ", $csr), out(reg) v) };
        v
    }};
}

/// Writes a CSR by name: `csrw!("mstatus", v)`.
#[macro_export]
macro_rules! csrw {
    ($csr:literal, $v:expr) => {{
        let v: u64 = $v;
        // SAFETY: the test owns the hart; CSR writes do not touch Rust memory.
        unsafe { core::arch::asm!(concat!("csrw ", $csr, ", {0}"), in(reg) v) };
    }};
}

/// Sets bits in a CSR: `csrs!("mstatus", bits)`.
#[macro_export]
macro_rules! csrs {
    ($csr:literal, $v:expr) => {{
        let v: u64 = $v;
        // SAFETY: as for csrw!.
        unsafe { core::arch::asm!(concat!("csrs ", $csr, ", {0}"), in(reg) v) };
    }};
}

/// Clears bits in a CSR: `csrc!("mstatus", bits)`.
#[macro_export]
macro_rules! csrc {
    ($csr:literal, $v:expr) => {{
        let v: u64 = $v;
        // SAFETY: as for csrw!.
        unsafe { core::arch::asm!(concat!("csrc ", $csr, ", {0}"), in(reg) v) };
    }};
}

/// `check!(n, cond)` or `check!(n, cond, "fmt", args)`: fail check n unless cond.
#[macro_export]
macro_rules! check {
    ($n:expr, $cond:expr) => {
        if !$cond {
            bare::println!("check {} failed: {}", $n, stringify!($cond));
            return Err($n);
        }
    };
    ($n:expr, $cond:expr, $($arg:tt)+) => {
        if !$cond {
            bare::println!("check {} failed: {}: {}", $n, stringify!($cond), format_args!($($arg)+));
            return Err($n);
        }
    };
}

/// `check_eq!(n, got, want)`: fail check n unless got == want, printing both.
#[macro_export]
macro_rules! check_eq {
    ($n:expr, $got:expr, $want:expr) => {{
        let (got, want) = ($got, $want);
        if got != want {
            bare::println!("check {} failed: {} = {:x?}, want {:x?}", $n, stringify!($got), got, want);
            return Err($n);
        }
    }};
}

/// Expects `r` to be a trap with `cause` (and `tval` if given): fails check n otherwise.
pub fn expect_trap(n: u32, r: Result<u64, Trap>, cause: u64, tval: Option<u64>) -> Checks {
    expect_trap_in(n, r, &[cause], tval)
}

/// Expects `r` to be a trap with one of `causes` (and `tval` if given).
pub fn expect_trap_in(n: u32, r: Result<u64, Trap>, causes: &[u64], tval: Option<u64>) -> Checks {
    match r {
        Err(t) if causes.contains(&t.cause) && tval.is_none_or(|v| v == t.tval) => Ok(()),
        other => {
            bare::println!("check {n} failed: got {other:x?}, want cause {causes:x?} tval {tval:x?}");
            Err(n)
        }
    }
}

/// Expects `r` to be `Ok(want)`.
pub fn expect_ok(n: u32, r: Result<u64, Trap>, want: u64) -> Checks {
    match r {
        Ok(v) if v == want => Ok(()),
        other => {
            bare::println!("check {n} failed: got {other:x?}, want Ok({want:#x})");
            Err(n)
        }
    }
}

/// A fresh M-mode state for a test: handlers installed, PMP open to S/U,
/// no delegation, interrupts off, mtimecmp at its maximum, msip clear.
pub fn setup() {
    set_mtimecmp(u64::MAX);
    set_msip(false);
    bare::trap::init();
    bare::pmp_allow_all();
    csrw!("medeleg", 0);
    csrw!("mideleg", 0);
    csrw!("mie", 0);
    csrc!("mstatus", mstatus::MIE | mstatus::SIE);
    csrw!("mcounteren", 0b111);
    csrw!("scounteren", 0b111);
}

core::arch::global_asm!(
    r#"
    .globl hart_tests_spin
hart_tests_spin:
    addi a0, a0, -1
    bnez a0, hart_tests_spin
    ret
    .globl hart_tests_spin_with
hart_tests_spin_with:
    csrs sstatus, a0
    li a1, 0x8
    and a1, a0, a1
    beqz a1, 1f
    csrs mstatus, a1
1:  li a0, 1000000
    j hart_tests_spin
"#
);
unsafe extern "C" {
    /// Counts `n` down to 0 and returns 0: an interrupt target for `run_in`.
    #[link_name = "hart_tests_spin"]
    pub safe fn spin(n: u64) -> u64;
    /// Sets `bits` (SIE, and MIE when given, so only from M) in mstatus, then
    /// spins a million times and returns 0.
    #[link_name = "hart_tests_spin_with"]
    pub safe fn spin_with(bits: u64) -> u64;
}

/// Enough spinning for any pending interrupt to be taken.
pub const SPIN: u64 = 1_000_000;
/// Enough spinning (0.1 s on QEMU) for a deadline 1-2 ms ahead to pass.
pub const SPIN_LONG: u64 = 50_000_000;

/// The CLINT's `mtime`.
pub fn mtime() -> u64 {
    // SAFETY: CLINT MMIO register.
    unsafe { core::ptr::read_volatile((CLINT_BASE + CLINT_MTIME) as *const u64) }
}

/// Sets hart 0's `mtimecmp`.
pub fn set_mtimecmp(v: u64) {
    // SAFETY: CLINT MMIO register.
    unsafe { core::ptr::write_volatile((CLINT_BASE + CLINT_MTIMECMP) as *mut u64, v) }
}

/// Raises MEIP: the UART's transmitter-empty interrupt (IER.ETBEI) through
/// PLIC source 10 to context 0 (hart 0, M-mode). Printing clears it.
pub fn meip_raise() {
    bare::console::flush();
    w32(PLIC_BASE + 4 * UART0_IRQ as u64, 1); // priority 1
    w32(PLIC_BASE + 0x20_0000, 0); // context 0 threshold
    w32(PLIC_BASE + 0x2000, 1 << UART0_IRQ); // context 0 enables
                                             // SAFETY: UART IER (LCR.DLAB = 0).
    unsafe { core::ptr::write_volatile((UART0_BASE + 1) as *mut u8, 0x2) };
}

/// Drops MEIP: UART interrupt off, claim and complete at the PLIC, source disabled.
pub fn meip_drop() {
    // SAFETY: UART IER.
    unsafe { core::ptr::write_volatile((UART0_BASE + 1) as *mut u8, 0) };
    let id = r32(PLIC_BASE + 0x20_0004);
    if id != 0 {
        w32(PLIC_BASE + 0x20_0004, id);
    }
    w32(PLIC_BASE + 0x2000, 0);
}

/// The six standard interrupts' bits in mip/mie.
pub const ALL_IRQS: u64 = mip::MEIP | mip::MSIP | mip::MTIP | mip::SEIP | mip::SSIP | mip::STIP;

/// Makes all six standard interrupts pending (MEIP through the PLIC, MSIP
/// and MTIP through the CLINT, SEIP/SSIP/STIP written in mip).
pub fn pend_all_irqs() {
    meip_raise();
    set_msip(true);
    set_mtimecmp(0);
    csrs!("mip", mip::SEIP | mip::SSIP | mip::STIP);
}

/// Undoes [`pend_all_irqs`] and clears mie and mideleg.
pub fn clear_all_irqs() {
    meip_drop();
    set_msip(false);
    set_mtimecmp(u64::MAX);
    csrc!("mip", mip::SEIP | mip::SSIP | mip::STIP);
    csrw!("mie", 0);
    csrw!("mideleg", 0);
}

/// Runs `spin` in `mode` six times, expecting a trap each time: since
/// bare::trap masks each interrupt it takes (mie/sie bit), the result is the
/// order in which the pending interrupts are taken, as (handler, code).
/// Fails check n if fewer are taken, n + 1 if a seventh is.
pub fn irq_sequence(n: u32, mode: Priv) -> Result<[(Priv, u64); 6], u32> {
    let mut got = [(Priv::U, 0u64); 6];
    for (i, slot) in got.iter_mut().enumerate() {
        match run(mode, spin, SPIN) {
            Err(t) => *slot = (t.handler, t.trap.cause & !INTERRUPT_BIT),
            Ok(_) => {
                bare::println!("check {n} failed: only {i} interrupts taken: {:?}", &got[..i]);
                return Err(n);
            }
        }
    }
    expect_ok(n + 1, run_in(mode, spin, SPIN), 0)?;
    Ok(got)
}

fn w32(addr: u64, v: u32) {
    // SAFETY: PLIC MMIO register.
    unsafe { core::ptr::write_volatile(addr as *mut u32, v) }
}

fn r32(addr: u64) -> u32 {
    // SAFETY: PLIC MMIO register.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Sets hart 0's `msip` (machine software interrupt pending).
pub fn set_msip(on: bool) {
    // SAFETY: CLINT MMIO register.
    unsafe { core::ptr::write_volatile((CLINT_BASE + CLINT_MSIP) as *mut u32, on as u32) }
}
