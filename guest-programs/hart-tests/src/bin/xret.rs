//! Trap return and the mstatus trap controls (priv spec 3.1.6.1 "Privilege and
//! Global Interrupt-Enable Stack", 3.1.6.3 MPRV, 3.1.6.5 "Virtualization
//! Support in mstatus Register", 3.3.2 "Trap-Return Instructions", 3.3.3 WFI):
//! "When executing an xRET instruction, supposing xPP holds the value y, xIE is
//! set to xPIE; the privilege mode is changed to y; xPIE is set to 1; and xPP
//! is set to the least-privileged supported mode (U ...). If xPP≠M, xRET also
//! sets MPRV=0" (mret to M keeps MPRV; clearing it: qemubug_xret_mprv);
//! MRET is illegal below M and SRET in U; TSR makes SRET in S illegal; TW makes
//! WFI in S and U illegal (the spec allows a bounded wait first; the virt
//! board's limit is 0); TVM makes satp accesses and SFENCE.VMA in S illegal;
//! SFENCE.VMA in U is always illegal.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    # M: MPP = M, MIE = 0, MPIE = a0; mret to 1f; return mstatus (MPRV cleared after).
    .globl x_mret_m
x_mret_m:
    li t0, 0x1888
    csrc mstatus, t0
    li t0, 0x1800
    csrs mstatus, t0
    slli a0, a0, 7
    csrs mstatus, a0
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr a0, mstatus
    li t0, 0x20008
    csrc mstatus, t0
    ret

    # M: MPP = a0; mret to 1f, where the new mode ecalls.
    .globl x_mret_to
x_mret_to:
    li t0, 0x1800
    csrc mstatus, t0
    slli a0, a0, 11
    csrs mstatus, a0
    la t0, 1f
    csrw mepc, t0
    mret
1:  ecall

    # M: SPP = S, SPIE = 1, SIE = 0; sret to 1f in S, which ecalls.
    .globl x_sret_from_m
x_sret_from_m:
    li t0, 0x122
    csrc mstatus, t0
    li t0, 0x120
    csrs mstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  ecall

    # S: SPP = a0, SPIE = 0, SIE = 1; sret to 1f, which ecalls.
    .globl x_sret_from_s
x_sret_from_s:
    li t0, 0x120
    csrc sstatus, t0
    slli a0, a0, 8
    csrs sstatus, a0
    csrsi sstatus, 2
    la t0, 1f
    csrw sepc, t0
    sret
1:  ecall

    .globl x_sret, x_mret, x_wfi, x_satp_r, x_satp_w, x_sfence
x_sret:   sret
          ret
x_mret:   mret
          ret
x_wfi:    wfi
          ret
x_satp_r: csrr a0, satp
          ret
x_satp_w: csrw satp, zero
          ret
x_sfence: sfence.vma
          ret
"#
);
unsafe extern "C" {
    safe fn x_mret_m(a: u64) -> u64;
    safe fn x_mret_to(a: u64) -> u64;
    safe fn x_sret_from_m(a: u64) -> u64;
    safe fn x_sret_from_s(a: u64) -> u64;
    safe fn x_sret(a: u64) -> u64;
    safe fn x_mret(a: u64) -> u64;
    safe fn x_wfi(a: u64) -> u64;
    safe fn x_satp_r(a: u64) -> u64;
    safe fn x_satp_w(a: u64) -> u64;
    safe fn x_sfence(a: u64) -> u64;
}

const SRET: u64 = 0x1020_0073;
const MRET: u64 = 0x3020_0073;
const WFI: u64 = 0x1050_0073;
const SFENCE: u64 = 0x1200_0073;

/// Runs f(arg) in mode; expects an ecall from `from`; returns the status the handler saw.
fn ecall_status(n: u32, mode: Priv, f: extern "C" fn(u64) -> u64, arg: u64, from: Priv) -> Result<u64, u32> {
    match run(mode, f, arg) {
        Err(t) if t.handler == Priv::M && t.trap.cause == [8, 9, 0, 11][from as usize] => Ok(t.status),
        other => {
            bare::println!("check {n} failed: got {other:x?}, want an ecall from {from:?}");
            Err(n)
        }
    }
}

fn illegal(n: u32, mode: Priv, f: extern "C" fn(u64) -> u64, bits: u64) -> Checks {
    expect_trap(n, run_in(mode, f, 0), exc::ILLEGAL_INSTRUCTION, Some(bits))
}

fn body() -> Checks {
    setup();
    let ms0 = csrr!("mstatus");
    // 1..: mret M -> M: MIE = MPIE, MPIE = 1, MPP = U.
    for mpie in [0, 1] {
        let n = 1 + 3 * mpie as u32;
        let r = run_in(Priv::M, x_mret_m, mpie);
        csrw!("mstatus", ms0);
        let Ok(ms) = r else { return expect_ok(n, r, 0) };
        check_eq!(n, ms & mstatus::MIE != 0, mpie == 1);
        check_eq!(n + 1, ms & mstatus::MPIE, mstatus::MPIE);
        check_eq!(n + 2, ms & mstatus::MPP, 0);
    }
    // 10..: MPRV after mret to M is kept.
    let r = run_in(Priv::M, x_mret_m, 0);
    csrw!("mstatus", ms0);
    check!(10, r.is_ok(), "{r:x?}");
    csrs!("mstatus", mstatus::MPRV);
    let ms = run_in(Priv::M, x_mret_m, 0).unwrap_or(0);
    csrw!("mstatus", ms0);
    check_eq!(11, ms & mstatus::MPRV, mstatus::MPRV);
    // 12..: mret to S and U enters that mode; MPP then reads U.
    let ms = ecall_status(12, Priv::M, x_mret_to, Priv::S as u64, Priv::S)?;
    check_eq!(13, ms & mstatus::MPP, (Priv::S as u64) << mstatus::MPP_SHIFT); // set by the ecall
    ecall_status(14, Priv::M, x_mret_to, Priv::U as u64, Priv::U)?;

    // 20..: sret from M to S: SIE = SPIE (1), SPIE = 1, SPP = U.
    let ms = ecall_status(20, Priv::M, x_sret_from_m, 0, Priv::S)?;
    check_eq!(21, ms & (mstatus::SIE | mstatus::SPIE | mstatus::SPP), mstatus::SIE | mstatus::SPIE);
    // 25..: sret from S to U and to S: SIE = SPIE (0), SPIE = 1, SPP = U.
    for (i, to) in [Priv::U, Priv::S].into_iter().enumerate() {
        let ms = ecall_status(25 + 2 * i as u32, Priv::S, x_sret_from_s, to as u64, to)?;
        check_eq!(26 + 2 * i as u32, ms & (mstatus::SIE | mstatus::SPIE | mstatus::SPP), mstatus::SPIE);
    }

    // 30..: xRET below its level is illegal.
    illegal(30, Priv::U, x_sret, SRET)?;
    illegal(31, Priv::S, x_mret, MRET)?;
    illegal(32, Priv::U, x_mret, MRET)?;

    // 40..: TSR.
    csrs!("mstatus", mstatus::TSR);
    illegal(40, Priv::S, x_sret_from_s, SRET)?;
    ecall_status(41, Priv::M, x_sret_from_m, 0, Priv::S)?; // TSR does not affect M
    csrc!("mstatus", mstatus::TSR);
    ecall_status(42, Priv::S, x_sret_from_s, 1, Priv::S)?;

    // 50..: TW. No interrupt is pending, so WFI in S/U cannot complete: illegal.
    csrs!("mstatus", mstatus::TW);
    illegal(50, Priv::S, x_wfi, WFI)?;
    illegal(51, Priv::U, x_wfi, WFI)?;
    // With TW = 0, WFI in S completes once an interrupt is pending and enabled in
    // sie, even with sstatus.SIE = 0 (3.3.3); the interrupt is not taken.
    csrc!("mstatus", mstatus::TW);
    csrw!("mideleg", mip::SSIP);
    csrw!("mie", mip::SSIP);
    csrs!("mip", mip::SSIP);
    expect_ok(52, run_in(Priv::S, x_wfi, 7), 7)?;
    csrc!("mip", mip::SSIP);
    csrw!("mie", 0);
    csrw!("mideleg", 0);
    // In U with TW = 0 and nothing pending: "executing WFI in U-mode causes an illegal
    // instruction exception, unless it completes within an implementation-specific,
    // bounded time limit" (a WFI that is a NOP completes).
    let r = run_in(Priv::U, x_wfi, 7);
    check!(53, r == Ok(7) || r.is_err_and(|t| t.cause == exc::ILLEGAL_INSTRUCTION && t.tval == WFI), "{r:x?}");

    // 60..: TVM.
    expect_ok(60, run_in(Priv::S, x_satp_r, 0), 0)?;
    expect_ok(61, run_in(Priv::S, x_satp_w, 0), 0)?;
    expect_ok(62, run_in(Priv::S, x_sfence, 5), 5)?;
    csrs!("mstatus", mstatus::TVM);
    illegal(63, Priv::S, x_satp_r, 0x1800_2573)?;
    illegal(64, Priv::S, x_satp_w, 0x1800_1073)?;
    illegal(65, Priv::S, x_sfence, SFENCE)?;
    expect_ok(66, run_in(Priv::M, x_satp_r, 0), 0)?; // TVM does not affect M
    expect_ok(67, run_in(Priv::M, x_sfence, 5), 5)?;
    csrc!("mstatus", mstatus::TVM);
    illegal(68, Priv::U, x_sfence, SFENCE)?;
    illegal(69, Priv::U, x_satp_r, 0x1800_2573)?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
