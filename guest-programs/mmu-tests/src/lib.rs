//! Shared pieces of the MMU tests (one bin per test in `src/bin`): the standard
//! set-up, single-instruction access routines whose faulting instruction is at a
//! known address, pages of data and code, and checks that print what differed.
//!
//! Every bin returns 0 (pass) or the number of its first failed check. Page
//! tables are built and changed in M-mode through physical addresses; accesses
//! run in S or U mode through `bare::trap::run_in`, with all traps going to M
//! (medeleg = 0), so a `Trap` holds mcause, mtval and mepc.
#![no_std]

use bare::paging::{alloc_page, identity_map_image, sfence_vma_all, set_satp, PageTable};
use bare::println;
use bare::trap::Trap;
pub use bare::trap::run_in;
use core::arch::naked_asm;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_U, PTE_W, PTE_X};

pub use sv39_arch::cause::exc::{
    INSTRUCTION_ACCESS_FAULT, INSTRUCTION_PAGE_FAULT, LOAD_ACCESS_FAULT, LOAD_PAGE_FAULT,
    STORE_ACCESS_FAULT, STORE_PAGE_FAULT,
};

/// A failed check's number.
pub type Outcome = Result<(), u32>;

/// Leaf flags for supervisor pages with A and D preset (they never fault or change on Svade).
pub const S_RWX: u64 = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
pub const S_RW: u64 = PTE_R | PTE_W | PTE_A | PTE_D;
pub const S_R: u64 = PTE_R | PTE_A | PTE_D;
pub const S_X: u64 = PTE_X | PTE_A | PTE_D;
pub const U_RWX: u64 = S_RWX | PTE_U;

/// A VA region no test maps by accident: 64 GiB, far from the identity-mapped RAM.
pub const TEST_VA: u64 = 0x10_0000_0000;

/// `ret` (jalr x0, 0(ra)), the code placed in executable test pages.
pub const RET: u32 = 0x0000_8067;
/// A doubleword of a code page (two `ret`s).
pub const RET2: u64 = (RET as u64) << 32 | RET as u64;

/// Grants S/U all memory through PMP, installs the trap handlers and returns a
/// page table in which the program image is identity-mapped for `mode` (S: U=0;
/// U: U=1, so S cannot execute it). The table is not yet in `satp`.
pub fn setup(mode: Priv) -> PageTable {
    bare::pmp_allow_all();
    bare::trap::init();
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, if mode == Priv::U { U_RWX } else { S_RWX });
    pt
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
    sfence_vma_all();
}

/// Puts `pt` in `satp` (ASID 0) and flushes the TLB.
pub fn activate(pt: &PageTable) {
    set_satp(pt.satp(0));
}

/// `csrw satp` without the fence `set_satp` adds ("writing satp does not imply any
/// ... invalidation of address-translation caches", 4.1.11).
pub fn write_satp(v: u64) {
    // SAFETY: M-mode is not translated (MPRV = 0); only S/U runs use the value.
    unsafe { core::arch::asm!("csrw satp, {}", in(reg) v) };
}

/// A zeroed page whose first doubleword is `value`.
pub fn data_page(value: u64) -> u64 {
    let pa = alloc_page();
    write64(pa, value);
    pa
}

/// A zeroed page holding `ret` at offset 0 (and at every word, so any aligned
/// entry point returns) and `value` in its last doubleword.
pub fn code_page(value: u64) -> u64 {
    let pa = alloc_page();
    for off in (0..4088).step_by(4) {
        write32(pa + off, RET);
    }
    write64(pa + 4088, value);
    fence_i();
    pa
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

/// Overwrites the PTE of `va` at `level` and flushes the TLB.
pub fn set_pte(pt: &mut PageTable, va: u64, level: usize, value: u64) {
    pt.set_pte(va, level, value);
    sfence_vma_all();
}

/// Sets bits in `mstatus` (SUM, MXR, ...); they stay across `run_in`.
pub fn mstatus_set(bits: u64) {
    // SAFETY: the tests change only translation-related mstatus bits.
    unsafe { core::arch::asm!("csrs mstatus, {}", in(reg) bits) };
}

pub fn mstatus_clear(bits: u64) {
    // SAFETY: as in `mstatus_set`.
    unsafe { core::arch::asm!("csrc mstatus, {}", in(reg) bits) };
}

// Access routines: one instruction at a known address does the access, so a
// trap's epc can be checked exactly. norvc keeps the offsets fixed.

/// `ld a0, 0(a0)`: the access is at the function's address.
#[unsafe(naked)]
pub extern "C" fn acc_ld(_va: u64) -> u64 {
    naked_asm!(".option push", ".option norvc", "ld a0, 0(a0)", "ret", ".option pop")
}

/// `sd a0, 0(a0)`: stores its own address; returns 0.
#[unsafe(naked)]
pub extern "C" fn acc_sd(_va: u64) -> u64 {
    naked_asm!(".option push", ".option norvc", "sd a0, 0(a0)", "li a0, 0", "ret", ".option pop")
}

/// `lr.d a0, (a0)`.
#[unsafe(naked)]
pub extern "C" fn acc_lr(_va: u64) -> u64 {
    naked_asm!("lr.d a0, (a0)", "ret")
}

/// `lr.d` then `sc.d` (at +4) of the loaded value; returns sc's result (0 = stored).
/// The reservation is held, so the SC must attempt the store.
#[unsafe(naked)]
pub extern "C" fn acc_lrsc(_va: u64) -> u64 {
    naked_asm!(".option push", ".option norvc", "lr.d t0, (a0)", "sc.d a0, t0, (a0)", "ret", ".option pop")
}

/// `amoadd.d a0, a0, (a0)`: adds its own address; returns the old value.
#[unsafe(naked)]
pub extern "C" fn acc_amo(_va: u64) -> u64 {
    naked_asm!("amoadd.d a0, a0, (a0)", "ret")
}

/// One kind of access, done by the routines above (fetch: a call to `va`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Load,
    Store,
    Fetch,
    Lr,
    /// LR then SC at the same address; the SC is the access under test.
    LrSc,
    Amo,
}

impl Access {
    /// Does the access at `va` in `mode`.
    pub fn run(self, mode: Priv, va: u64) -> Result<u64, Trap> {
        match self {
            Access::Load => run_in(mode, acc_ld, va),
            Access::Store => run_in(mode, acc_sd, va),
            Access::Fetch => run_in(mode, code_at(va), 0),
            Access::Lr => run_in(mode, acc_lr, va),
            Access::LrSc => run_in(mode, acc_lrsc, va),
            Access::Amo => run_in(mode, acc_amo, va),
        }
    }

    /// The page-fault cause for this access (LR is a load; SC and AMOs are stores).
    pub fn page_fault(self) -> u64 {
        match self {
            Access::Load | Access::Lr => LOAD_PAGE_FAULT,
            Access::Store | Access::LrSc | Access::Amo => STORE_PAGE_FAULT,
            Access::Fetch => INSTRUCTION_PAGE_FAULT,
        }
    }

    /// The access-fault cause for this access.
    pub fn access_fault(self) -> u64 {
        match self {
            Access::Load | Access::Lr => LOAD_ACCESS_FAULT,
            Access::Store | Access::LrSc | Access::Amo => STORE_ACCESS_FAULT,
            Access::Fetch => INSTRUCTION_ACCESS_FAULT,
        }
    }

    /// The epc of a fault of this access at `va`.
    pub fn epc(self, va: u64) -> u64 {
        match self {
            Access::Load => addr_of(acc_ld),
            Access::Store => addr_of(acc_sd),
            Access::Fetch => va,
            Access::Lr => addr_of(acc_lr),
            Access::LrSc => addr_of(acc_lrsc) + 4,
            Access::Amo => addr_of(acc_amo),
        }
    }
}

/// Check `n`: `access` at `va` in `mode` raises its page fault with tval = `va`.
pub fn expect_page_fault(n: u32, mode: Priv, access: Access, va: u64, what: &str) -> Outcome {
    expect_trap(n, access.run(mode, va), access.page_fault(), va, access.epc(va), what)
}

/// Checks n..n+2: a load, a store and a fetch at `va` in S mode each raise their page fault.
pub fn expect_page_faults(n: u32, va: u64, what: &str) -> Outcome {
    expect_page_fault(n, Priv::S, Access::Load, va, what)?;
    expect_page_fault(n + 1, Priv::S, Access::Store, va, what)?;
    expect_page_fault(n + 2, Priv::S, Access::Fetch, va, what)
}

/// Check `n`: `access` at `va` in `mode` raises its access fault with tval = `va`.
pub fn expect_access_fault(n: u32, mode: Priv, access: Access, va: u64, what: &str) -> Outcome {
    expect_trap(n, access.run(mode, va), access.access_fault(), va, access.epc(va), what)
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

/// Check `n`: `cond` must hold.
pub fn ensure(n: u32, cond: bool, what: &str) -> Outcome {
    if cond {
        Ok(())
    } else {
        println!("check {n} failed: {what}");
        Err(n)
    }
}

/// Check `n`: `got` must equal `want`.
pub fn ensure_eq(n: u32, got: u64, want: u64, what: &str) -> Outcome {
    if got == want {
        Ok(())
    } else {
        println!("check {n} failed: {what}: got {got:#x}, want {want:#x}");
        Err(n)
    }
}

/// Check `n`: the run returned normally; yields its value.
pub fn expect_ok(n: u32, r: Result<u64, Trap>, what: &str) -> Result<u64, u32> {
    match r {
        Ok(v) => Ok(v),
        Err(t) => {
            println!(
                "check {n} failed: {what}: unexpected trap cause {} tval {:#x} epc {:#x}",
                t.cause, t.tval, t.epc
            );
            Err(n)
        }
    }
}

/// Check `n`: the run trapped with exactly `cause`, `tval` and `epc`.
pub fn expect_trap(n: u32, r: Result<u64, Trap>, cause: u64, tval: u64, epc: u64, what: &str) -> Outcome {
    match r {
        Err(t) if t == (Trap { cause, tval, epc }) => Ok(()),
        Err(t) => {
            println!(
                "check {n} failed: {what}: trap cause {} tval {:#x} epc {:#x}, want cause {cause} tval {tval:#x} epc {epc:#x}",
                t.cause, t.tval, t.epc
            );
            Err(n)
        }
        Ok(v) => {
            println!("check {n} failed: {what}: returned {v:#x}, want trap cause {cause} tval {tval:#x}");
            Err(n)
        }
    }
}

/// The exit status for `main`: 0 on success, else the failed check.
pub fn finish(name: &str, r: Outcome) -> u32 {
    match r {
        Ok(()) => {
            println!("{name}: pass");
            0
        }
        Err(n) => {
            println!("{name}: FAIL (check {n})");
            n
        }
    }
}
