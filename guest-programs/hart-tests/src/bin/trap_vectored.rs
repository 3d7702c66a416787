//! Vectored trap vectors (priv spec 3.1.7 "Machine Trap-Vector Base-Address
//! Register", 4.1.2 stvec): "When MODE=Vectored, all synchronous exceptions
//! into machine mode cause the pc to be set to the address in the BASE field,
//! whereas interrupts cause the pc to be set to the address in the BASE field
//! plus four times the interrupt cause number"; the same for stvec in S;
//! MODE values >= 2 are reserved, and mtvec is WARL, so it never reads back one.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

// An S-mode vector table: entry k records k in S_VEC, then runs bare's S stub.
global_asm!(
    r#"
    .balign 256
    .globl s_vectors
s_vectors:
    .option push
    .option norvc
    .irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j s_vec\k
    .endr
    .irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
s_vec\k:
    li t0, \k
    la t1, S_VEC
    sd t0, 0(t1)
    j bare_strap
    .endr
    .option pop
    .globl v_spin_mie
v_spin_mie:         # sets mstatus.MIE, then spins
    csrsi mstatus, 8
    j hart_tests_spin
    .globl v_illegal
v_illegal:
    .4byte 0x0000000b
    ret
"#
);
unsafe extern "C" {
    safe fn s_vectors();
    safe fn v_illegal(a: u64) -> u64;
    safe fn v_spin_mie(a: u64) -> u64;
}

#[no_mangle]
static mut S_VEC: u64 = u64::MAX;

fn s_vec() -> u64 {
    // SAFETY: written only by the S table.
    unsafe { core::ptr::read_volatile(&raw const S_VEC) }
}

/// Runs spin in `mode` (from M: with MIE set) and expects interrupt `code`
/// through vector `code`, taken in `handler`.
fn expect_irq(n: u32, mode: Priv, code: u64, handler: Priv) -> Checks {
    let f = if mode == Priv::M { v_spin_mie } else { spin };
    // SAFETY: reset the S table's record.
    unsafe { core::ptr::write_volatile(&raw mut S_VEC, u64::MAX) };
    match run(mode, f, 1_000_000) {
        Err(t) => {
            check_eq!(n, (t.handler, t.trap.cause), (handler, INTERRUPT_BIT | code));
            let vector = if handler == Priv::M { t.vector.map(u64::from) } else { Some(s_vec()) };
            check_eq!(n + 1, vector, Some(code));
        }
        Ok(_) => check!(n, false, "interrupt {code} not taken"),
    }
    Ok(())
}

fn body() -> Checks {
    setup();
    let direct = csrr!("mtvec");
    csrw!("mtvec", bare::trap::mtvec_vectored());
    check_eq!(1, csrr!("mtvec"), bare::trap::mtvec_vectored());
    // 2..: exceptions use BASE.
    let r = run(Priv::U, v_illegal, 0);
    check_eq!(2, r.map_err(|t| (t.trap.cause, t.vector)), Err((exc::ILLEGAL_INSTRUCTION, Some(0))));
    // 10..: machine software, machine timer and (undelegated) supervisor software
    // interrupts use BASE + 4 * cause, from S and from M with MIE = 1.
    set_msip(true);
    csrw!("mie", mip::MSIP);
    expect_irq(10, Priv::S, irq::MSI, Priv::M)?;
    set_msip(false);
    set_mtimecmp(0);
    csrw!("mie", mip::MTIP);
    expect_irq(12, Priv::U, irq::MTI, Priv::M)?;
    set_mtimecmp(u64::MAX);
    csrs!("mip", mip::SSIP);
    csrw!("mie", mip::SSIP);
    expect_irq(14, Priv::S, irq::SSI, Priv::M)?;
    csrw!("mie", mip::SSIP);
    expect_irq(16, Priv::M, irq::SSI, Priv::M)?;
    csrc!("mip", mip::SSIP);

    // 20..: stvec vectored for delegated traps.
    csrw!("stvec", s_vectors as *const () as usize as u64 | 1);
    csrw!("medeleg", 1 << exc::ILLEGAL_INSTRUCTION);
    csrw!("mideleg", mip::SSIP | mip::STIP);
    // SAFETY: reset the S table's record.
    unsafe { core::ptr::write_volatile(&raw mut S_VEC, u64::MAX) };
    let r = run(Priv::U, v_illegal, 0);
    check_eq!(20, r.map_err(|t| (t.handler, t.trap.cause)), Err((Priv::S, exc::ILLEGAL_INSTRUCTION)));
    check_eq!(21, s_vec(), 0);
    csrs!("mip", mip::SSIP);
    csrw!("mie", mip::SSIP);
    expect_irq(22, Priv::U, irq::SSI, Priv::S)?;
    csrc!("mip", mip::SSIP);
    csrs!("mip", mip::STIP);
    csrw!("mie", mip::STIP);
    expect_irq(24, Priv::U, irq::STI, Priv::S)?;
    csrc!("mip", mip::STIP);
    csrw!("mie", 0);
    csrw!("medeleg", 0);
    csrw!("mideleg", 0);
    bare::trap::init();
    check_eq!(30, csrr!("mtvec"), direct);

    // 31..: reserved MODE values never read back.
    for mode in [2, 3] {
        csrw!("mtvec", direct | mode);
        let m = csrr!("mtvec") & 3;
        check!(31, m < 2, "mtvec MODE {m} after writing {mode}");
        csrw!("stvec", direct | mode);
        let m = csrr!("stvec") & 3;
        check!(32, m < 2, "stvec MODE {m} after writing {mode}");
    }
    bare::trap::init();
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
