//! Checks `bare::trap` itself, which every other hart test relies on: normal
//! returns from M/S/U, ecall causes (priv 3.3.1: 11/9/8), delegated traps seen
//! through the S stub (priv 3.1.8), vectored mtvec (priv 3.1.7), nesting, and
//! that M state is restored after a trap.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    .globl t_ecall, t_ecall_at, t_illegal, t_illegal_at, t_clobber
t_ecall:
t_ecall_at:
    ecall
t_illegal:
t_illegal_at:
    .4byte 0xffffffff
    ret
t_clobber:
    li sp, 0
    li s0, 0
    li s11, 0
    li ra, 0
    ecall
"#
);
unsafe extern "C" {
    safe fn t_ecall(a: u64) -> u64;
    safe fn t_ecall_at();
    safe fn t_illegal(a: u64) -> u64;
    safe fn t_illegal_at();
    safe fn t_clobber(a: u64) -> u64;
}

extern "C" fn add1(a: u64) -> u64 {
    a + 1
}

extern "C" fn nested(a: u64) -> u64 {
    match run_in(Priv::S, add1, a) {
        Ok(v) => v * 10,
        Err(_) => 0,
    }
}

fn addr(f: extern "C" fn()) -> u64 {
    f as *const () as usize as u64
}

fn body() -> Checks {
    setup();
    expect_ok(1, run_in(Priv::M, add1, 5), 6)?;
    expect_ok(2, run_in(Priv::S, add1, 5), 6)?;
    expect_ok(3, run_in(Priv::U, add1, 5), 6)?;
    let at = Some(0);
    let ecall_at = addr(t_ecall_at);
    for (n, mode, cause) in [(4, Priv::M, 11), (5, Priv::S, 9), (6, Priv::U, 8)] {
        let r = run_in(mode, t_ecall, 0);
        expect_trap(n, r, cause, at)?;
        check_eq!(n, r.unwrap_err().epc, ecall_at);
    }
    let ms = csrr!("mstatus");
    expect_trap(7, run_in(Priv::U, t_illegal, 0), exc::ILLEGAL_INSTRUCTION, Some(0xffff_ffff))?;
    check_eq!(8, csrr!("mstatus"), ms);
    // f trashing sp/s0/s11/ra in M must not hurt the caller.
    expect_trap(9, run_in(Priv::M, t_clobber, 0), exc::ECALL_FROM_M, None)?;
    expect_ok(10, run_in(Priv::M, nested, 4), 50)?;

    // Delegated illegal instruction from U is taken by the S stub.
    csrw!("medeleg", 1 << exc::ILLEGAL_INSTRUCTION | 1 << exc::ECALL_FROM_U);
    match run(Priv::U, t_illegal, 0) {
        Err(t) => {
            check_eq!(11, t.handler, Priv::S);
            check_eq!(12, t.trap, Trap { cause: 2, tval: 0xffff_ffff, epc: addr(t_illegal_at) });
            check_eq!(13, t.from(), Priv::U);
        }
        Ok(v) => check!(11, false, "Ok({v})"),
    }
    // A delegated trampoline ecall is still a normal return.
    expect_ok(14, run_in(Priv::U, add1, 1), 2)?;
    csrw!("medeleg", 0);

    // Vectored mtvec: exceptions use entry 0.
    csrw!("mtvec", bare::trap::mtvec_vectored());
    match run(Priv::S, t_ecall, 0) {
        Err(t) => {
            check_eq!(15, t.vector, Some(0));
            check_eq!(16, t.from(), Priv::S);
        }
        Ok(v) => check!(15, false, "Ok({v})"),
    }
    bare::trap::init();
    check_eq!(17, run(Priv::S, t_ecall, 0).unwrap_err().vector, None);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
