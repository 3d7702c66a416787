//! Machine timer and software interrupts from the CLINT (priv spec 3.1.9
//! "Machine Interrupt Registers", 3.2.1 "Machine Timer Registers", 3.3.3
//! "Wait for Interrupt"; CLINT msip at 0x200_0000, mtimecmp at 0x200_4000,
//! mtime at 0x200_bff8): MTIP is pending exactly while mtime >= mtimecmp and
//! MSIP while msip[0] = 1, both read-only in mip; an M interrupt is taken in S
//! and U whatever mstatus.MIE says, in M only with MIE = 1, never when masked
//! in mie; mcause has bit 63 set and mepc the interrupted instruction; "WFI is
//! also required to resume execution for locally enabled interrupts pending
//! at any privilege level, regardless of the global interrupt enable".
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    # M: wfi until mip.MTIP is set; returns the number of wfi executed.
    .globl i_wfi_mtip
i_wfi_mtip:
    li a0, 0
1:  wfi
    addi a0, a0, 1
    csrr t0, mip
    andi t0, t0, 0x80
    beqz t0, 1b
    ret
"#
);
unsafe extern "C" {
    safe fn i_wfi_mtip(a: u64) -> u64;
}

/// The code of `spin` and `spin_with` (which follows it).
fn spin_range() -> core::ops::Range<u64> {
    let s = spin as *const () as usize as u64;
    s..spin_with as *const () as usize as u64 + 32
}

/// Expects interrupt `code` at M, interrupting `spin` or `spin_with`.
fn expect_m_irq(n: u32, r: Result<u64, Trap>, code: u64) -> Checks {
    match r {
        Err(t) => {
            check_eq!(n, (t.cause, t.tval), (INTERRUPT_BIT | code, 0));
            check!(n + 1, spin_range().contains(&t.epc), "mepc {:#x}", t.epc);
        }
        Ok(_) => check!(n, false, "interrupt {code} not taken"),
    }
    Ok(())
}

fn body() -> Checks {
    setup();
    // 1..: MTIP follows mtime >= mtimecmp and is read-only in mip.
    check_eq!(1, csrr!("mip") & mip::MTIP, 0);
    set_mtimecmp(0);
    check_eq!(2, csrr!("mip") & mip::MTIP, mip::MTIP);
    csrc!("mip", mip::MTIP);
    check_eq!(3, csrr!("mip") & mip::MTIP, mip::MTIP);
    set_mtimecmp(u64::MAX);
    check_eq!(4, csrr!("mip") & mip::MTIP, 0);
    csrs!("mip", mip::MTIP);
    check_eq!(5, csrr!("mip") & mip::MTIP, 0);
    // SAFETY: CLINT MMIO register.
    let cmp = unsafe { core::ptr::read_volatile((0x200_4000) as *const u64) };
    check_eq!(6, cmp, u64::MAX);

    // 10..: a timer interrupt 1 ms ahead is taken in S, after its deadline.
    csrw!("mie", mip::MTIP);
    let deadline = mtime() + 10_000;
    set_mtimecmp(deadline);
    let r = run_in(Priv::S, spin, SPIN_LONG);
    let now = mtime();
    expect_m_irq(10, r, irq::MTI)?;
    check!(12, now >= deadline, "taken at {now}, deadline {deadline}");
    check_eq!(13, csrr!("mie"), 0); // bare::trap masked it
                                    // 14..: taken in U and in M with MIE = 1; not in M with MIE = 0; not when masked.
    set_mtimecmp(0);
    csrw!("mie", mip::MTIP);
    expect_m_irq(14, run_in(Priv::U, spin, SPIN), irq::MTI)?;
    csrw!("mie", mip::MTIP);
    expect_m_irq(16, run_in(Priv::M, spin_with, mstatus::MIE), irq::MTI)?;
    csrw!("mie", mip::MTIP);
    expect_ok(18, run_in(Priv::M, spin, SPIN), 0)?;
    csrw!("mie", !mip::MTIP);
    expect_ok(19, run_in(Priv::S, spin, SPIN), 0)?;
    csrw!("mie", 0);
    set_mtimecmp(u64::MAX);

    // 20..: msip drives MSIP, which is read-only in mip.
    set_msip(true);
    check_eq!(20, csrr!("mip") & mip::MSIP, mip::MSIP);
    csrc!("mip", mip::MSIP);
    check_eq!(21, csrr!("mip") & mip::MSIP, mip::MSIP);
    // SAFETY: CLINT MMIO register.
    let msip = unsafe { core::ptr::read_volatile(0x200_0000 as *const u32) };
    check_eq!(22, msip, 1);
    csrw!("mie", mip::MSIP);
    expect_m_irq(23, run_in(Priv::S, spin, SPIN), irq::MSI)?;
    csrw!("mie", mip::MSIP);
    expect_m_irq(25, run_in(Priv::U, spin, SPIN), irq::MSI)?;
    csrw!("mie", mip::MSIP);
    expect_ok(27, run_in(Priv::M, spin, SPIN), 0)?;
    set_msip(false);
    check_eq!(28, csrr!("mip") & mip::MSIP, 0);
    csrs!("mip", mip::MSIP);
    check_eq!(29, csrr!("mip") & mip::MSIP, 0);
    csrw!("mie", 0);

    // 30..: WFI in M with MIE = 0 resumes when MTIP (enabled in mie) becomes
    // pending; the interrupt is not taken.
    csrw!("mie", mip::MTIP);
    let deadline = mtime() + 20_000;
    set_mtimecmp(deadline);
    let r = run_in(Priv::M, i_wfi_mtip, 0);
    check!(30, r.is_ok(), "{r:x?}");
    check!(31, mtime() >= deadline, "woke before the deadline");
    set_mtimecmp(u64::MAX);
    csrw!("mie", 0);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
