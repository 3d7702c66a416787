//! Supervisor interrupts (priv spec 3.1.9, 4.1.3 "Supervisor Interrupt
//! Registers"; Sstc extension, "stimecmp" and menvcfg.STCE, priv 3.1.18):
//! SSIP set by M in mip or by S in sip, delegated with mideleg, is taken in S
//! ("An interrupt i will trap to S-mode if ... the current privilege mode is S
//! and the SIE bit in the sstatus register is set, or the current privilege
//! mode has less privilege than S-mode"), never in M; undelegated it goes to M;
//! STIP written by M (STCE = 0) is delegated likewise and read-only in sip;
//! with STCE = 1, STIP reflects time >= stimecmp and S can program stimecmp
//! (if mcounteren.TM = 1); with STCE = 0 stimecmp is illegal in S.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    .globl s_set_ssip, s_clear_stip, s_stimecmp_now, s_read_stimecmp
s_set_ssip:       # S: sstatus.SIE = 1, then raise SSIP through sip
    csrsi sstatus, 2
    csrsi sip, 2
    j hart_tests_spin
s_clear_stip:     # S: try to clear STIP through sip; return sip
    csrci sip, 0
    li t0, 0x20
    csrc sip, t0
    csrr a0, sip
    ret
s_stimecmp_now:   # S: SIE = 1, stimecmp = 0 (already due), spin
    csrsi sstatus, 2
    csrw stimecmp, zero
    j hart_tests_spin
s_read_stimecmp:
    csrr a0, stimecmp
    ret
"#
);
unsafe extern "C" {
    safe fn s_set_ssip(a: u64) -> u64;
    safe fn s_clear_stip(a: u64) -> u64;
    safe fn s_stimecmp_now(a: u64) -> u64;
    safe fn s_read_stimecmp(a: u64) -> u64;
}

/// Expects interrupt `code` taken by `handler`.
fn expect_irq(n: u32, r: Result<u64, Taken>, code: u64, handler: Priv) -> Checks {
    let got = r.map_err(|t| (t.handler, t.trap.cause));
    check_eq!(n, got, Err((handler, INTERRUPT_BIT | code)));
    Ok(())
}

fn body() -> Checks {
    setup();
    // 1..: SSIP delegated.
    csrw!("mideleg", mip::SSIP);
    csrs!("mip", mip::SSIP);
    csrw!("mie", mip::SSIP);
    expect_irq(1, run(Priv::U, spin, SPIN), irq::SSI, Priv::S)?;
    csrw!("mie", mip::SSIP);
    expect_ok(2, run_in(Priv::S, spin, SPIN), 0)?; // SIE = 0 in S
    expect_irq(3, run(Priv::S, spin_with, mstatus::SIE), irq::SSI, Priv::S)?;
    csrw!("mie", mip::SSIP);
    expect_ok(4, run_in(Priv::M, spin_with, mstatus::SIE | mstatus::MIE), 0)?; // never in M
                                                                               // 5..: S raises its own SSIP through sip.
    csrc!("mip", mip::SSIP);
    csrw!("mie", mip::SSIP);
    expect_irq(5, run(Priv::S, s_set_ssip, SPIN), irq::SSI, Priv::S)?;
    check_eq!(6, csrr!("mip") & mip::SSIP, mip::SSIP);
    csrc!("mip", mip::SSIP);
    // 7..: undelegated, sip.SSIP is read-only zero to S, and an SSIP set by M
    // goes to M even from S with SIE = 0.
    csrw!("mideleg", 0);
    csrw!("mie", mip::SSIP);
    expect_ok(7, run_in(Priv::S, s_set_ssip, SPIN), 0)?;
    check_eq!(8, csrr!("mip") & mip::SSIP, 0);
    csrs!("mip", mip::SSIP);
    expect_irq(9, run(Priv::S, spin, SPIN), irq::SSI, Priv::M)?;
    csrc!("mip", mip::SSIP);

    // 10..: STIP written by M (menvcfg.STCE = 0).
    csrw!("menvcfg", 0);
    csrw!("mideleg", mip::STIP);
    csrs!("mip", mip::STIP);
    check_eq!(10, csrr!("mip") & mip::STIP, mip::STIP);
    check_eq!(11, run_in(Priv::S, s_clear_stip, 0).map(|sip| sip & mip::STIP), Ok(mip::STIP));
    csrw!("mie", mip::STIP);
    expect_irq(12, run(Priv::U, spin, SPIN), irq::STI, Priv::S)?;
    csrw!("mideleg", 0);
    csrw!("mie", mip::STIP);
    expect_irq(13, run(Priv::S, spin, SPIN), irq::STI, Priv::M)?;
    csrc!("mip", mip::STIP);
    check_eq!(14, csrr!("mip") & mip::STIP, 0);
    expect_trap(15, run_in(Priv::S, s_read_stimecmp, 0), exc::ILLEGAL_INSTRUCTION, Some(0x14d0_2573))?;

    // 20..: Sstc. STIP = (time >= stimecmp), read-only in mip.
    csrw!("menvcfg", sv39_arch::csr::menvcfg::STCE);
    check_eq!(20, csrr!("menvcfg") & sv39_arch::csr::menvcfg::STCE, sv39_arch::csr::menvcfg::STCE);
    csrw!("stimecmp", u64::MAX);
    check_eq!(21, csrr!("mip") & mip::STIP, 0);
    csrs!("mip", mip::STIP);
    check_eq!(22, csrr!("mip") & mip::STIP, 0);
    let deadline = csrr!("time") + 10_000;
    csrw!("stimecmp", deadline);
    check_eq!(23, csrr!("stimecmp"), deadline);
    check_eq!(24, csrr!("mip") & mip::STIP, 0);
    csrw!("mideleg", mip::STIP);
    csrw!("mie", mip::STIP);
    expect_irq(25, run(Priv::U, spin, SPIN_LONG), irq::STI, Priv::S)?;
    check!(26, csrr!("time") >= deadline, "STI before stimecmp");
    check_eq!(27, csrr!("mip") & mip::STIP, mip::STIP);
    csrc!("mip", mip::STIP);
    check_eq!(28, csrr!("mip") & mip::STIP, mip::STIP);
    csrw!("stimecmp", u64::MAX);
    check_eq!(29, csrr!("mip") & mip::STIP, 0);
    // 30..: S programs stimecmp itself; needs mcounteren.TM.
    csrw!("mie", mip::STIP);
    expect_irq(30, run(Priv::S, s_stimecmp_now, SPIN), irq::STI, Priv::S)?;
    csrw!("stimecmp", u64::MAX);
    expect_ok(31, run_in(Priv::S, s_read_stimecmp, 0), u64::MAX)?;
    csrc!("mcounteren", 1 << 1);
    expect_trap(32, run_in(Priv::S, s_read_stimecmp, 0), exc::ILLEGAL_INSTRUCTION, Some(0x14d0_2573))?;
    csrs!("mcounteren", 1 << 1);
    expect_trap(33, run_in(Priv::U, s_read_stimecmp, 0), exc::ILLEGAL_INSTRUCTION, Some(0x14d0_2573))?;
    csrw!("menvcfg", 0);
    csrw!("mie", 0);
    csrw!("mideleg", 0);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
