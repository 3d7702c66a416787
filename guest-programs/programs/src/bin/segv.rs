//! `segv`: memory protection. Four accesses no process may make, each
//! stopped by the MMU and turned by the kernel into SIGSEGV:
//!
//! - `null`: a load from address 0 (nothing is mapped there);
//! - `text`: a store into the program's own code (mapped read + execute);
//! - `stack-exec`: a jump to instructions copied onto the stack (mapped
//!   read + write, not execute);
//! - `guard`: a recursion that runs the stack into its guard gap.
//!
//! `segv [KIND]` makes one of them (`null` by default) and dies of it: the
//! kernel reports the fault, and a shell shows status 139 (128 + SIGSEGV).
//! `segv --fork` makes each in a child of its own and checks that the
//! parent sees the child killed by SIGSEGV (WTERMSIG). `segv --catch` makes
//! each under a SIGSEGV handler (`SA_SIGINFO`, on an alternate stack, which
//! the stack overflow needs) and checks what the kernel tells it: si_addr
//! and si_code (SEGV_MAPERR: nothing mapped there; SEGV_ACCERR: mapped, but
//! not for this access). The handler resumes the program past the fault by
//! changing the pc in the signal's ucontext. Both modes exit 0 when every
//! check held.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::sync::atomic::{AtomicI32, AtomicUsize, Ordering::SeqCst};
use sv39_rt::abi::signal::{
    signal_name, SigInfo, UContext, REG_PC, REG_SP, SA_ONSTACK, SEGV_ACCERR, SEGV_MAPERR, SIGSEGV,
};
use sv39_rt::abi::wait::{WIFSIGNALED, WTERMSIG};
use sv39_rt::check::Checks;
use sv39_rt::signal::{on_signal, restore, AltStack};
use sv39_rt::{eprintln, println, process, Args, Errno};

sv39_rt::entry!(main);

// `segv_load(addr)` loads from addr; `segv_store(addr)` stores to it.
// `segv_guarded(f, arg)` calls f(arg) with the callee-saved registers and sp
// saved, returning 0 when f returns; the SIGSEGV handler sends a faulting
// call to `segv_resume`, which restores them and returns 1 instead.
core::arch::global_asm!(
    ".section .text.segv_probes, \"ax\"",
    ".globl segv_load",
    "segv_load:",
    "    ld a0, 0(a0)",
    "    ret",
    ".globl segv_store",
    "segv_store:",
    "    sd zero, 0(a0)",
    "    ret",
    ".globl segv_guarded",
    "segv_guarded:",
    "    addi sp, sp, -112",
    "    sd ra, 0(sp)",
    "    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11",
    "    sd s\\n, 8+8*\\n(sp)",
    "    .endr",
    "    la t0, {resume_sp}",
    "    sd sp, 0(t0)",
    "    mv t1, a0",
    "    mv a0, a1",
    "    jalr t1",
    "    li a0, 0",
    "    j 1f",
    ".globl segv_resume",
    "segv_resume:",
    "    la t0, {resume_sp}",
    "    ld sp, 0(t0)",
    "    li a0, 1",
    "1:",
    "    ld ra, 0(sp)",
    "    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11",
    "    ld s\\n, 8+8*\\n(sp)",
    "    .endr",
    "    addi sp, sp, 112",
    "    ret",
    resume_sp = sym RESUME_SP,
);

extern "C" {
    fn segv_load(addr: usize) -> usize;
    fn segv_store(addr: usize) -> usize;
    fn segv_guarded(f: extern "C" fn(usize) -> usize, arg: usize) -> usize;
    fn segv_resume();
}

/// Where `segv_guarded` saved its frame.
static RESUME_SP: AtomicUsize = AtomicUsize::new(0);
/// What the handler saw last: si_code, si_addr, pc and sp at the fault.
static CODE: AtomicI32 = AtomicI32::new(0);
static ADDR: AtomicUsize = AtomicUsize::new(0);
static PC: AtomicUsize = AtomicUsize::new(0);
static SP: AtomicUsize = AtomicUsize::new(0);
/// The code copied onto the stack, and the stack pointer at the start.
static STACK_CODE: AtomicUsize = AtomicUsize::new(0);
static STACK_TOP: AtomicUsize = AtomicUsize::new(0);

/// `ret` (jalr x0, 0(ra)).
const RET: u32 = 0x0000_8067;

extern "C" fn read_null(_: usize) -> usize {
    // SAFETY: not safe: the load faults, which is the point.
    unsafe { segv_load(0) }
}

extern "C" fn write_text(target: usize) -> usize {
    // SAFETY: as read_null: the store faults.
    unsafe { segv_store(target) }
}

extern "C" fn exec_stack(_: usize) -> usize {
    let code = [RET; 4];
    STACK_CODE.store(code.as_ptr() as usize, SeqCst);
    // SAFETY: not safe: the jump faults (the stack is not executable).
    let f: extern "C" fn() = unsafe { core::mem::transmute(code.as_ptr()) };
    f();
    core::hint::black_box(&code);
    0
}

/// Recurses, 1 KiB of stack a level, until the stack runs out.
#[allow(unconditional_recursion)] // it ends in the guard, by design
extern "C" fn dive(depth: usize) -> usize {
    let mut frame = [0u8; 1024];
    frame[depth % 1024] = 1;
    core::hint::black_box(&mut frame);
    dive(depth + 1) + frame[0] as usize
}

/// One kind of fault: its name, what it does, how to make it, and what
/// the kernel must say of it.
struct Fault {
    name: &'static str,
    what: &'static str,
    run: extern "C" fn(usize) -> usize,
    /// si_code values accepted.
    codes: &'static [i32],
}

/// Stack overflow: Linux leaves the guard gap unmapped (SEGV_MAPERR);
/// qemu-riscv64 maps a PROT_NONE page there (SEGV_ACCERR). Both are
/// "no access here".
const FAULTS: [Fault; 4] = [
    Fault { name: "null", what: "read of address 0", run: read_null, codes: &[SEGV_MAPERR] },
    Fault { name: "text", what: "write to the program's code", run: write_text, codes: &[SEGV_ACCERR] },
    Fault { name: "stack-exec", what: "execute from the stack", run: exec_stack, codes: &[SEGV_ACCERR] },
    Fault { name: "guard", what: "stack overflow into the guard", run: dive, codes: &[SEGV_MAPERR, SEGV_ACCERR] },
];

/// The argument each fault runs with: the code address for `text`.
fn arg_of(f: &Fault) -> usize {
    match f.name {
        "text" => segv_load as *const () as usize,
        _ => 0,
    }
}

/// Makes fault `f` in this process (which then dies of it).
fn make(f: &Fault) -> i32 {
    (f.run)(arg_of(f));
    eprintln!("segv: {}: survived", f.what);
    1
}

/// `--fork`: each fault in a child; the parent must see SIGSEGV kill it.
fn forked(c: &mut Checks) -> Result<(), Errno> {
    for f in &FAULTS {
        let pid = process::fork_child(|| make(f))?;
        let (_, status) = process::wait(pid)?;
        let sig = if WIFSIGNALED(status) { WTERMSIG(status) } else { 0 };
        let name = signal_name(sig).unwrap_or("no signal");
        let what = format_args!("{}: child {pid} killed by signal {sig} ({name}), wait status {status:#x}", f.what);
        c.check(sig == SIGSEGV, what);
    }
    Ok(())
}

extern "C" fn on_segv(_sig: i32, info: &SigInfo, ctx: &mut UContext) {
    CODE.store(info.si_code, SeqCst);
    ADDR.store(info.si_addr(), SeqCst);
    PC.store(ctx.reg(REG_PC) as usize, SeqCst);
    SP.store(ctx.reg(REG_SP) as usize, SeqCst);
    ctx.set_reg(REG_PC, segv_resume as *const () as u64);
}

fn code_name(code: i32) -> &'static str {
    match code {
        SEGV_MAPERR => "SEGV_MAPERR",
        SEGV_ACCERR => "SEGV_ACCERR",
        _ => "?",
    }
}

/// Whether si_addr is where fault `f` must have been, and what to add to
/// the report (for the overflow: how far the stack grew).
fn addr_ok(f: &Fault, addr: usize, pc: usize, sp: usize) -> (bool, String) {
    match f.name {
        "null" => (addr == 0, String::new()),
        "text" => (addr == arg_of(f), String::new()),
        "stack-exec" => (addr == STACK_CODE.load(SeqCst) && pc == addr, String::new()),
        _ => {
            let below = STACK_TOP.load(SeqCst).saturating_sub(addr);
            let near_sp = addr.abs_diff(sp);
            (
                below >= 1 << 20 && near_sp <= 16 << 10,
                format!(", {} kB below the first frame, {near_sp} bytes from sp", below >> 10),
            )
        }
    }
}

/// `--catch`: each fault under the handler; checks what it was told.
fn caught(c: &mut Checks) -> Result<(), Errno> {
    let _stack = AltStack::new(64 << 10)?;
    // SAFETY: the handler only stores atomics and edits its own ucontext.
    let old = unsafe { on_signal(SIGSEGV, on_segv, SA_ONSTACK) }?;
    let top = 0usize;
    STACK_TOP.store(&top as *const usize as usize, SeqCst);
    for f in &FAULTS {
        // SAFETY: a fault in f resumes in segv_guarded, which restores the
        // callee-saved registers and sp it saved before calling f.
        let resumed = unsafe { segv_guarded(f.run, arg_of(f)) } == 1;
        let (code, addr, pc, sp) = (CODE.load(SeqCst), ADDR.load(SeqCst), PC.load(SeqCst), SP.load(SeqCst));
        let (at, more) = addr_ok(f, addr, pc, sp);
        let good = resumed && f.codes.contains(&code) && at;
        let name = code_name(code);
        c.check(
            good,
            format_args!("{}: caught: {resumed}, si_addr {addr:#x}, pc {pc:#x}, si_code {name}{more}", f.what),
        );
    }
    restore(SIGSEGV, &old)
}

fn main(args: Args) -> i32 {
    let mut c = Checks::new();
    let r = match args.str(1).unwrap_or("null") {
        "--fork" => forked(&mut c),
        "--catch" => caught(&mut c),
        kind => match FAULTS.iter().find(|f| f.name == kind) {
            Some(f) => return make(f),
            None => {
                eprintln!("usage: segv [null|text|stack-exec|guard|--fork|--catch]");
                return 2;
            }
        },
    };
    match r {
        Ok(()) => c.finish("segv"),
        Err(e) => {
            println!("segv: {e}");
            1
        }
    }
}
