//! mret to S or U, and sret, clear mstatus.MPRV. Priv spec 3.1.6.1 (1.12):
//! "When executing an xRET instruction, supposing xPP holds the value y, ...
//! If y≠M, xRET also sets MPRV=0." QEMU 7.2 leaves MPRV set (fixed in 8.0).
#![no_std]
#![no_main]

use hart_tests::*;

core::arch::global_asm!(
    r#"
    # M: MPRV = 1, MPP = a0; mret to 1f, where the new mode ecalls.
    .globl q_mret_mprv
q_mret_mprv:
    li t0, 0x1800
    csrc mstatus, t0
    slli a0, a0, 11
    csrs mstatus, a0
    li t0, 0x20000
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  ecall

    # M: MPRV = 1, SPP = a0; sret to 1f, where the new mode ecalls.
    .globl q_sret_mprv
q_sret_mprv:
    li t0, 0x100
    csrc mstatus, t0
    slli a0, a0, 8
    csrs mstatus, a0
    li t0, 0x20000
    csrs mstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  ecall
"#
);
unsafe extern "C" {
    safe fn q_mret_mprv(a: u64) -> u64;
    safe fn q_sret_mprv(a: u64) -> u64;
}

fn body() -> Checks {
    setup();
    let cases = [
        (q_mret_mprv as extern "C" fn(u64) -> u64, Priv::S),
        (q_mret_mprv, Priv::U),
        (q_sret_mprv, Priv::S),
        (q_sret_mprv, Priv::U),
    ];
    for (i, (f, to)) in cases.into_iter().enumerate() {
        let n = 1 + 2 * i as u32;
        match run(Priv::M, f, to as u64) {
            // The ecall's trap entry leaves MPRV as the xRET left it.
            Err(t) if t.from() == to && t.trap.cause == [8, 9][to as usize] => {
                check_eq!(n + 1, (i, t.status & mstatus::MPRV), (i, 0))
            }
            other => check!(n, false, "{other:x?}"),
        }
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
