//! Memory accesses for tests of translation and protection (privileged spec
//! 4.3): one-instruction routines whose faulting instruction sits at a known
//! address, so a trap's `epc` can be checked exactly, the [`Access`] kinds they
//! implement with the causes each raises, and volatile helpers for M-mode code
//! that reads and writes test memory through physical addresses.
//!
//! Every routine is `extern "C" fn(va) -> u64` for [`crate::trap::run_in`]; the
//! data routines use only a0, t0 and t1, so [`acc_mprv`] can call them without
//! touching memory. `.option norvc` keeps the offsets of the accesses fixed.

use crate::trap::{run_in, Trap};
use core::arch::naked_asm;
use sv39_arch::cause::exc::*;
use sv39_arch::csr::Priv;

/// Defines routines of a few instructions each, assembled without
/// compressed instructions so the offset of each is fixed.
macro_rules! routines {
    ($($(#[$doc:meta])* $name:ident: $($insn:literal),+;)+) => {$(
        $(#[$doc])*
        #[unsafe(naked)]
        pub extern "C" fn $name(_arg: u64) -> u64 {
            naked_asm!(".option push", ".option norvc", $($insn),+, ".option pop")
        }
    )+};
}

routines! {
    /// `ld a0, 0(a0)`: the access is at the routine's address.
    acc_ld: "ld a0, 0(a0)", "ret";
    /// `sd a0, 0(a0)`: stores its own address; returns 0.
    acc_sd: "sd a0, 0(a0)", "li a0, 0", "ret";
    /// `lr.d a0, (a0)`.
    acc_lr: "lr.d a0, (a0)", "ret";
    /// `lr.d` then `sc.d` (at +4) of the address itself, retried until the SC
    /// succeeds (a constrained LR/SC loop, which the A extension guarantees to
    /// end); returns 0. The SC holds the reservation, so it must attempt the store.
    acc_lrsc: "1: lr.d t0, (a0)", "sc.d t0, a0, (a0)", "bnez t0, 1b", "mv a0, t0", "ret";
    /// `amoadd.d a0, a0, (a0)`: adds its own address; returns the old value.
    acc_amo: "amoadd.d a0, a0, (a0)", "ret";
    /// `csrr a0, satp`: an instruction TVM and U-mode make illegal (3.1.6.5).
    csrr_satp: "csrr a0, satp", "ret";
    /// `csrw satp, a0`; returns 0.
    csrw_satp: "csrw satp, a0", "li a0, 0", "ret";
    /// `sfence.vma` (rs1 = rs2 = x0); returns 0.
    sfence_vma_insn: "sfence.vma", "li a0, 0", "ret";
}

/// A dummy `sc.d` to a scratch word, then `sc.d` (at +12) of the address
/// itself: the second SC has no reservation ("an SC may succeed only if ...
/// there is no other SC between the LR and itself in program order", unpriv
/// spec 8.2), so it must fail or trap. Returns its result (nonzero = failed).
#[unsafe(naked)]
pub extern "C" fn acc_sc(_va: u64) -> u64 {
    naked_asm!(
        ".option push", ".option norvc", ".option norelax",
        "la t0, {scratch}", "sc.d t0, zero, (t0)", "sc.d t0, a0, (a0)", "mv a0, t0", "ret",
        ".option pop",
        scratch = sym SC_SCRATCH,
    )
}

/// Where [`acc_sc`]'s dummy SC goes.
static mut SC_SCRATCH: u64 = 0;

/// M-mode, `a0` -> `[routine, va, bits]`: sets `bits` (MPRV, MPP, SUM, MXR) in
/// `mstatus`, calls `routine(va)`, clears them again and returns its result.
/// Only the routine's own access runs with the bits set (privileged spec
/// 3.1.6.3: "Instruction address-translation and protection are unaffected by
/// the setting of MPRV"), so the caller's stack is never translated.
#[unsafe(naked)]
pub extern "C" fn acc_mprv(_args: u64) -> u64 {
    naked_asm!(
        "ld t5, 16(a0)",
        "ld t6, 0(a0)",
        "ld a0, 8(a0)",
        "mv t4, ra",
        "csrs mstatus, t5",
        "jalr t6",
        "csrc mstatus, t5",
        "jr t4"
    )
}

/// One kind of access, done by the routines above (fetch: a jump to `va`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Load,
    Store,
    Fetch,
    Lr,
    /// LR then SC at the same address; the SC is the access under test.
    LrSc,
    /// SC without a reservation: it must fail (or trap).
    Sc,
    Amo,
}

impl Access {
    /// The routine doing this access at `va`.
    pub fn routine(self, va: u64) -> extern "C" fn(u64) -> u64 {
        match self {
            Access::Load => acc_ld,
            Access::Store => acc_sd,
            Access::Fetch => code_at(va),
            Access::Lr => acc_lr,
            Access::LrSc => acc_lrsc,
            Access::Sc => acc_sc,
            Access::Amo => acc_amo,
        }
    }

    /// Does the access at `va` in `mode`.
    pub fn run(self, mode: Priv, va: u64) -> Result<u64, Trap> {
        run_in(mode, self.routine(va), va)
    }

    /// Whether the access writes memory (SC and AMOs count as stores, 4.3.1).
    pub fn is_write(self) -> bool {
        matches!(self, Access::Store | Access::LrSc | Access::Sc | Access::Amo)
    }

    /// The page-fault cause for this access (LR is a load; SC and AMOs are stores).
    pub fn page_fault(self) -> u64 {
        match self {
            Access::Fetch => INSTRUCTION_PAGE_FAULT,
            _ if self.is_write() => STORE_PAGE_FAULT,
            _ => LOAD_PAGE_FAULT,
        }
    }

    /// The access-fault cause for this access.
    pub fn access_fault(self) -> u64 {
        match self {
            Access::Fetch => INSTRUCTION_ACCESS_FAULT,
            _ if self.is_write() => STORE_ACCESS_FAULT,
            _ => LOAD_ACCESS_FAULT,
        }
    }

    /// The address-misaligned cause for this access.
    pub fn misaligned(self) -> u64 {
        match self {
            Access::Fetch => INSTRUCTION_ADDRESS_MISALIGNED,
            _ if self.is_write() => STORE_ADDRESS_MISALIGNED,
            _ => LOAD_ADDRESS_MISALIGNED,
        }
    }

    /// The epc of a fault of this access at `va`: the accessing instruction.
    pub fn epc(self, va: u64) -> u64 {
        let routine = addr_of(self.routine(va));
        match self {
            Access::LrSc => routine + 4,
            Access::Sc => routine + 12,
            _ => routine,
        }
    }
}

/// Address of an access routine (the `epc` of its faulting instruction).
pub fn addr_of(f: extern "C" fn(u64) -> u64) -> u64 {
    f as usize as u64
}

/// A function pointer to code at virtual address `va` (for fetch tests).
pub fn code_at(va: u64) -> extern "C" fn(u64) -> u64 {
    // SAFETY: the pointer is only ever called through `run_in`, which catches
    // the trap when `va` is not executable.
    unsafe { core::mem::transmute::<usize, extern "C" fn(u64) -> u64>(va as usize) }
}

/// Makes earlier stores to memory visible to instruction fetch (`fence.i`).
pub fn fence_i() {
    // SAFETY: a fence; `.word` because imac's assembler may lack Zifencei.
    unsafe { core::arch::asm!(".word 0x0000100f") };
}

pub fn read64(pa: u64) -> u64 {
    // SAFETY: test memory is RAM the program owns, accessed from M-mode.
    unsafe { (pa as *const u64).read_volatile() }
}

pub fn read32(pa: u64) -> u32 {
    // SAFETY: as in `read64`.
    unsafe { (pa as *const u32).read_volatile() }
}

pub fn read8(pa: u64) -> u8 {
    // SAFETY: as in `read64`.
    unsafe { (pa as *const u8).read_volatile() }
}

pub fn write64(pa: u64, v: u64) {
    // SAFETY: as in `read64`.
    unsafe { (pa as *mut u64).write_volatile(v) }
}

pub fn write32(pa: u64, v: u32) {
    // SAFETY: as in `read64`.
    unsafe { (pa as *mut u32).write_volatile(v) }
}

pub fn write16(pa: u64, v: u16) {
    // SAFETY: as in `read64`.
    unsafe { (pa as *mut u16).write_volatile(v) }
}

pub fn write8(pa: u64, v: u8) {
    // SAFETY: as in `read64`.
    unsafe { (pa as *mut u8).write_volatile(v) }
}
