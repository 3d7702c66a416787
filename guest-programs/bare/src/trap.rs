//! Running a function in M, S or U mode and catching the first trap it causes,
//! for tests of the hart (privileged spec 3.1.6, 3.1.7, 3.3.2, 4.1.1).
//!
//! `run_in(mode, f, arg)` saves a setjmp-style context (ra, sp, gp, tp, s0-s11
//! and `mstatus`) on its own frame and then:
//! - M: calls `f(arg)` directly, on the caller's stack;
//! - S/U: `mret`s to `f` with `mstatus.MPP = mode`, `MPIE = MIE`,
//!   `a0 = arg`, `sp` = top of [`lower_stack`] and `ra` = [`trampoline`],
//!   whose `ecall` brings `f`'s return value back to M.
//!
//! The M handler ([`mtvec_direct`], installed by [`init`]) records the trap,
//! restores the context and makes `run_in` return: `Ok(a0)` for the
//! trampoline's ecall, `Err(trap)` for anything else. Every return restores
//! `mstatus` as it was when `run_in` was called. The handler uses no stack,
//! so `f` may trash every register. On an interrupt it also clears that
//! interrupt's bit in `mie`, so a still-pending source cannot trap again once
//! `mstatus` is restored: re-enable it to see the next one. A trap while no
//! `run_in` is active prints the trap and exits with status 254.
//!
//! S/U need PMP access to the image (`bare::pmp_allow_all`).
//!
//! Traps delegated to S (medeleg/mideleg) go to `stvec`; [`init`] points it
//! at [`stvec_default`], an S-mode stub that records scause/stval/sepc/sstatus
//! (clearing the interrupt's `sie` bit for interrupts) and ecalls to M;
//! `run_in` then reports that S trap, and [`run`] tells which handler took it.
//! A delegated ecall from the trampoline is still a normal return. Do not
//! delegate cause 9 (ecall from S) while using the stub: its own ecall would
//! loop. A test may point stvec/mtvec elsewhere (e.g. [`mtvec_vectored`]) and
//! call [`init`] to restore them.
//!
//! With paging on, the test must map (identity, executable/writable for the
//! mode that uses them) the program image: `f`, the trampoline and
//! [`lower_stack`] for S/U, and the S stub with its record for S.
//!
//! Not reentrant across harts; nested `run_in` from an M-mode `f` works.

use core::arch::global_asm;
use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};
use sv39_arch::csr::{mstatus, Priv};

/// What the M-mode trap handler recorded for one trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap {
    pub cause: u64,
    pub tval: u64,
    pub epc: u64,
}

/// A trap with the handler that took it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    /// For `handler == S`: scause/stval/sepc; for M: mcause/mtval/mepc.
    pub trap: Trap,
    /// M (mtvec) or S (stvec, after delegation).
    pub handler: Priv,
    /// `mstatus` (handler M) or `sstatus` (handler S) as the handler found it.
    pub status: u64,
    /// The mtvec entry that was entered: `None` for direct mode (or S),
    /// `Some(k)` for entry k of [`mtvec_vectored`]'s table.
    pub vector: Option<u8>,
}

impl Taken {
    /// The mode the trap came from: `mstatus.MPP` or `sstatus.SPP`.
    pub fn from(&self) -> Priv {
        match self.handler {
            Priv::S if self.status & mstatus::SPP != 0 => Priv::S,
            Priv::S => Priv::U,
            _ => Priv::from_bits(self.status >> mstatus::MPP_SHIFT).unwrap_or(Priv::M),
        }
    }
}

/// Runs `f(arg)` in `mode` with the current satp/PMP/mstatus settings.
/// Ok(v): f returned v normally (from S/U through the trampoline's ecall).
/// Err(trap): the first trap that reached M-mode, or was taken by the
/// default S stub and passed on to M (f is abandoned; M-mode state restored).
pub fn run_in(mode: Priv, f: extern "C" fn(u64) -> u64, arg: u64) -> Result<u64, Trap> {
    run(mode, f, arg).map_err(|t| t.trap)
}

/// As [`run_in`], with which handler took the trap and its status register.
pub fn run(mode: Priv, f: extern "C" fn(u64) -> u64, arg: u64) -> Result<u64, Taken> {
    ensure_init();
    let mut ctx = [0u64; CTX_WORDS];
    // SAFETY: bare_enter saves the callee-saved registers in ctx and returns
    // here with them restored, whether f returns or traps; the handler reads
    // the context through bare_trap_ctx, which we reset to the outer one after.
    let (ret, rec, srec) = unsafe {
        let outer = read_volatile(addr_of!(bare_trap_ctx));
        let ret = bare_enter(ctx.as_mut_ptr(), f, arg, mode as u64, lower_stack().end);
        write_volatile(addr_of_mut!(bare_trap_ctx), outer);
        (ret, read_volatile(addr_of!(BARE_TRAP_REC)), read_volatile(addr_of!(BARE_STRAP_REC)))
    };
    if ret.trapped == 0 {
        return Ok(ret.value);
    }
    let tramp = trampoline();
    let is_ecall = |c: u64| c == 8 || c == 9 || c == 11;
    let [cause, tval, epc, status, vector, a0] = rec;
    if cause == 9 && epc == strap_ecall() {
        let [scause, stval, sepc, sstatus] = srec;
        if is_ecall(scause) && sepc == tramp {
            return Ok(a0);
        }
        let trap = Trap { cause: scause, tval: stval, epc: sepc };
        return Err(Taken { trap, handler: Priv::S, status: sstatus, vector: None });
    }
    if is_ecall(cause) && epc == tramp {
        return Ok(a0);
    }
    let vector = if vector == u64::MAX { None } else { Some(vector as u8) };
    Err(Taken { trap: Trap { cause, tval, epc }, handler: Priv::M, status, vector })
}

/// Installs the handlers: mtvec = [`mtvec_direct`], stvec = [`stvec_default`].
/// `run_in` calls it on first use; call it again to undo a test's own vectors.
pub fn init() {
    // SAFETY: the handlers are in this image; setting the vectors is M-mode's business.
    unsafe {
        core::arch::asm!("csrw mtvec, {0}", "csrw stvec, {1}", in(reg) mtvec_direct(), in(reg) stvec_default());
        write_volatile(addr_of_mut!(INITIALIZED), true);
    }
}

fn ensure_init() {
    // SAFETY: a plain flag read; single hart.
    if !unsafe { read_volatile(addr_of!(INITIALIZED)) } {
        init();
    }
}

/// The direct-mode M handler (mtvec MODE = 0).
pub fn mtvec_direct() -> u64 {
    bare_mtrap as *const () as usize as u64
}

/// An mtvec value for vectored mode: a 16-entry table (aligned to 256) whose
/// entry k records `vector = Some(k)` and then behaves as the direct handler.
pub fn mtvec_vectored() -> u64 {
    bare_mtrap_vectors as *const () as usize as u64 | 1
}

/// The S-mode stub that records a delegated trap and ecalls to M.
pub fn stvec_default() -> u64 {
    bare_strap as *const () as usize as u64
}

/// The address `f` returns to from S/U: an `ecall`.
pub fn trampoline() -> u64 {
    bare_trap_trampoline as *const () as usize as u64
}

fn strap_ecall() -> u64 {
    bare_strap_ecall as *const () as usize as u64
}

/// The stack `f` runs on in S/U mode (`sp` starts at `end`).
pub fn lower_stack() -> core::ops::Range<u64> {
    let start = addr_of!(BARE_LOWER_STACK) as usize as u64;
    start..start + LOWER_STACK_SIZE as u64
}

const CTX_WORDS: usize = 17;
const LOWER_STACK_SIZE: usize = 16 * 1024;

#[repr(C, align(4096))]
struct Stack<const N: usize>([u8; N]);

static mut INITIALIZED: bool = false;
static mut BARE_LOWER_STACK: Stack<LOWER_STACK_SIZE> = Stack([0; LOWER_STACK_SIZE]);
#[no_mangle]
static mut BARE_MTRAP_STACK: Stack<4096> = Stack([0; 4096]);
/// The active context (null outside run_in).
#[no_mangle]
static mut bare_trap_ctx: *mut u64 = core::ptr::null_mut();
/// M handler record: mcause, mtval, mepc, mstatus, vector (-1 = direct), a0.
#[no_mangle]
static mut BARE_TRAP_REC: [u64; 6] = [0; 6];
/// S stub record: scause, stval, sepc, sstatus.
#[no_mangle]
static mut BARE_STRAP_REC: [u64; 4] = [0; 4];

#[repr(C)]
struct EnterRet {
    value: u64,
    trapped: u64,
}

extern "C" {
    fn bare_enter(ctx: *mut u64, f: extern "C" fn(u64) -> u64, arg: u64, mode: u64, sp: u64) -> EnterRet;
    fn bare_mtrap();
    fn bare_mtrap_vectors();
    fn bare_strap();
    fn bare_strap_ecall();
    fn bare_trap_trampoline();
}

/// A trap with no run_in active: report it and fail the program.
#[no_mangle]
extern "C" fn bare_unexpected_trap() -> ! {
    // SAFETY: the handler filled the record before calling us.
    let [cause, tval, epc, status, ..] = unsafe { read_volatile(addr_of!(BARE_TRAP_REC)) };
    crate::println!("unexpected trap: mcause {cause:#x} mepc {epc:#x} mtval {tval:#x} mstatus {status:#x}");
    crate::bare_exit(0xfe)
}

// Context layout (u64 words): ra sp gp tp s0..s11 mstatus.
global_asm!(
    r#"
    .section .text.bare_trap, "ax"
    .option push
    .option norvc

    .balign 4
    .globl bare_enter
bare_enter:
    sd ra, 0(a0)
    sd sp, 8(a0)
    sd gp, 16(a0)
    sd tp, 24(a0)
    sd s0, 32(a0)
    sd s1, 40(a0)
    sd s2, 48(a0)
    sd s3, 56(a0)
    sd s4, 64(a0)
    sd s5, 72(a0)
    sd s6, 80(a0)
    sd s7, 88(a0)
    sd s8, 96(a0)
    sd s9, 104(a0)
    sd s10, 112(a0)
    sd s11, 120(a0)
    csrr t0, mstatus
    sd t0, 128(a0)
    la t1, bare_trap_ctx
    sd a0, 0(t1)
    li t1, 3
    bne a3, t1, 1f
    # M: a plain call; restore the context in case f broke the ABI.
    mv a0, a2
    jalr a1
    li a1, 0
    j bare_restore
1:  # S/U: MPP = mode, MPIE = MIE, then mret to f.
    li t1, 0x1880
    not t1, t1
    and t1, t0, t1
    slli t2, a3, 11
    or t1, t1, t2
    andi t2, t0, 8
    slli t2, t2, 4
    or t1, t1, t2
    csrw mstatus, t1
    csrw mepc, a1
    mv a0, a2
    mv sp, a4
    la ra, bare_trap_trampoline
    mret

    .balign 4
    .globl bare_trap_trampoline
bare_trap_trampoline:
    ecall

    # M handler, direct mode: t0 = vector index (-1 = direct).
    .balign 4
    .globl bare_mtrap
bare_mtrap:
    li t0, -1
bare_mtrap_common:
    la t1, BARE_TRAP_REC
    csrr t2, mcause
    sd t2, 0(t1)
    csrr t3, mtval
    sd t3, 8(t1)
    csrr t3, mepc
    sd t3, 16(t1)
    csrr t3, mstatus
    sd t3, 24(t1)
    sd t0, 32(t1)
    sd a0, 40(t1)
    bgez t2, 1f
    li t3, 1
    sll t3, t3, t2
    csrc mie, t3
1:  la t0, bare_trap_ctx
    ld t0, 0(t0)
    beqz t0, 2f
    li a1, 1
    mv a0, t0
    j bare_restore_a0
2:  la sp, BARE_MTRAP_STACK
    li t0, 4096
    add sp, sp, t0
    call bare_unexpected_trap

    # Restores mstatus and the context at bare_trap_ctx (a0 = it for _a0) and
    # returns a0/a1.
bare_restore:
    mv t0, a0
    la a0, bare_trap_ctx
    ld a0, 0(a0)
    j 3f
bare_restore_a0:
    li t0, 0
3:  ld t1, 128(a0)
    csrw mstatus, t1
    ld ra, 0(a0)
    ld sp, 8(a0)
    ld gp, 16(a0)
    ld tp, 24(a0)
    ld s0, 32(a0)
    ld s1, 40(a0)
    ld s2, 48(a0)
    ld s3, 56(a0)
    ld s4, 64(a0)
    ld s5, 72(a0)
    ld s6, 80(a0)
    ld s7, 88(a0)
    ld s8, 96(a0)
    ld s9, 104(a0)
    ld s10, 112(a0)
    ld s11, 120(a0)
    mv a0, t0
    ret

    # Vectored table: entry k jumps to a stub that sets t0 = k.
    .balign 256
    .globl bare_mtrap_vectors
bare_mtrap_vectors:
    .irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j bare_mtrap_v\k
    .endr
    .irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
bare_mtrap_v\k:
    li t0, \k
    j bare_mtrap_common
    .endr

    # S stub: record the delegated trap, mask its interrupt, ecall to M.
    .balign 4
    .globl bare_strap
bare_strap:
    la t1, BARE_STRAP_REC
    csrr t2, scause
    sd t2, 0(t1)
    csrr t3, stval
    sd t3, 8(t1)
    csrr t3, sepc
    sd t3, 16(t1)
    csrr t3, sstatus
    sd t3, 24(t1)
    bgez t2, 1f
    li t3, 1
    sll t3, t3, t2
    csrc sie, t3
1:
    .globl bare_strap_ecall
bare_strap_ecall:
    ecall
    .option pop
"#
);
