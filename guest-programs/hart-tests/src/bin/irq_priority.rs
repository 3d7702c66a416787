//! Interrupt priority and global enables (priv spec 3.1.9 "Machine Interrupt
//! Registers", 4.1.3): "Multiple simultaneous interrupts destined for M-mode
//! are handled in the following decreasing priority order: MEI, MSI, MTI, SEI,
//! SSI, STI"; delegated ones go to S in the same order after every pending
//! M-level one; an interrupt to M is taken "if ... either the current privilege
//! mode is M and the MIE bit in the mstatus register is set, or the current
//! privilege mode has less privilege than M-mode"; one delegated to S if "the
//! current privilege mode is S and the SIE bit in the sstatus register is set,
//! or the current privilege mode has less privilege than S-mode" (so never in M).
//! MEIP comes from the PLIC (context 0 = hart 0 M-mode), raised by the UART's
//! transmitter-empty interrupt (source 10).
//! QEMU 7.2 deviates (spec checks 201-202): without the AIA option it takes
//! the lowest-numbered pending interrupt first (SSI, MSI, STI, MTI, SEI, MEI),
//! M-level ones before S-level ones.
#![no_std]
#![no_main]

use hart_tests::*;
use sv39_arch::memmap::{PLIC_BASE, UART0_BASE, UART0_IRQ};

fn w32(addr: u64, v: u32) {
    // SAFETY: PLIC/UART MMIO registers.
    unsafe { core::ptr::write_volatile(addr as *mut u32, v) }
}

fn r32(addr: u64) -> u32 {
    // SAFETY: PLIC MMIO register.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Raises MEIP: UART THR-empty interrupt -> PLIC source 10 -> context 0.
fn raise_meip() {
    bare::console::flush();
    w32(PLIC_BASE + 4 * UART0_IRQ as u64, 1); // priority 1
    w32(PLIC_BASE + 0x20_0000, 0); // context 0 threshold 0
    w32(PLIC_BASE + 0x2000, 1 << UART0_IRQ); // context 0 enables
    // SAFETY: UART IER (DLAB = 0): ETBEI.
    unsafe { core::ptr::write_volatile((UART0_BASE + 1) as *mut u8, 0x2) };
}

/// Drops MEIP: UART interrupt off, claim and complete at the PLIC.
fn drop_meip() {
    // SAFETY: UART IER.
    unsafe { core::ptr::write_volatile((UART0_BASE + 1) as *mut u8, 0) };
    let id = r32(PLIC_BASE + 0x20_0004);
    if id != 0 {
        w32(PLIC_BASE + 0x20_0004, id);
    }
    w32(PLIC_BASE + 0x2000, 0);
}

/// Runs spin in `mode` six times: each trap masks its interrupt (bare::trap
/// clears the mie/sie bit), so the traps come in priority order. Checks n..:
/// the six are `want` in any order, M-level ones first; then a spec check
/// (`spec`) that the order is exactly `want`.
fn sequence(n: u32, spec: u32, mode: Priv, want: &[(Priv, u64); 6]) -> Checks {
    let mut got = [(Priv::U, 0u64); 6];
    for (i, slot) in got.iter_mut().enumerate() {
        match run(mode, spin, SPIN) {
            Err(t) => *slot = (t.handler, t.trap.cause & !INTERRUPT_BIT),
            Ok(_) => check!(n, false, "only {i} interrupts taken: {:?}", &got[..i]),
        }
    }
    expect_ok(n + 1, run_in(mode, spin, SPIN), 0)?;
    for w in want {
        check!(n + 2, got.iter().filter(|g| *g == w).count() == 1, "{w:?} not taken once: {got:?}");
    }
    let m_count = want.iter().filter(|w| w.0 == Priv::M).count();
    check!(n + 3, got[..m_count].iter().all(|g| g.0 == Priv::M), "S before M: {got:?}");
    spec_eq(spec, "order (handler, code)", got, *want);
    Ok(())
}

fn pend_all() {
    raise_meip();
    set_msip(true);
    set_mtimecmp(0);
    csrs!("mip", mip::SEIP | mip::SSIP | mip::STIP);
}

fn clear_all() {
    drop_meip();
    set_msip(false);
    set_mtimecmp(u64::MAX);
    csrc!("mip", mip::SEIP | mip::SSIP | mip::STIP);
    csrw!("mie", 0);
    csrw!("mideleg", 0);
}

const ALL: u64 = mip::MEIP | mip::MSIP | mip::MTIP | mip::SEIP | mip::SSIP | mip::STIP;

fn body() -> Checks {
    setup();
    // 1..: each source is pending (MEIP from the PLIC, read-only in mip).
    pend_all();
    check_eq!(1, csrr!("mip") & ALL, ALL);
    csrc!("mip", mip::MEIP);
    check_eq!(2, csrr!("mip") & mip::MEIP, mip::MEIP);
    // 10..: all to M, from S: MEI, MSI, MTI, SEI, SSI, STI.
    csrw!("mie", ALL);
    use Priv::{M, S};
    sequence(10, 201, S, &[(M, 11), (M, 3), (M, 7), (M, 9), (M, 1), (M, 5)])?;
    // 20..: S-level ones delegated, from U: M-level first, then S in its order.
    csrw!("mideleg", mip::SEIP | mip::SSIP | mip::STIP);
    csrw!("mie", ALL);
    sequence(20, 202, Priv::U, &[(M, 11), (M, 3), (M, 7), (S, 9), (S, 1), (S, 5)])?;
    clear_all();

    // 30..: global enables. MSI (to M) and SSI (delegated to S) pending.
    set_msip(true);
    csrs!("mip", mip::SSIP);
    csrw!("mideleg", mip::SSIP);
    let cases = [
        // (mode, sstatus.SIE, mstatus.MIE, what is taken first)
        (M, 0, 0, None),
        (M, mstatus::SIE, 0, None),
        (M, mstatus::SIE, mstatus::MIE, Some((M, irq::MSI))),
        (S, 0, 0, Some((M, irq::MSI))),
        (Priv::U, 0, 0, Some((M, irq::MSI))),
    ];
    for (i, (mode, sie, mie, want)) in cases.into_iter().enumerate() {
        csrw!("mie", mip::MSIP | mip::SSIP);
        let bits = sie | mie;
        let got = run(mode, spin_with, bits).map_err(|t| (t.handler, t.trap.cause & !INTERRUPT_BIT));
        check_eq!(30 + i as u32, (i, got), (i, want.map_or(Ok(0), Err)));
    }
    // 40..: with only the delegated SSI enabled.
    let cases = [
        (M, mstatus::SIE | mstatus::MIE, None),
        (S, 0, None),
        (S, mstatus::SIE, Some((S, irq::SSI))),
        (Priv::U, 0, Some((S, irq::SSI))),
    ];
    for (i, (mode, bits, want)) in cases.into_iter().enumerate() {
        csrw!("mie", mip::SSIP);
        let f = if mode == Priv::U { spin } else { spin_with };
        let arg = if mode == Priv::U { SPIN } else { bits };
        let got = run(mode, f, arg).map_err(|t| (t.handler, t.trap.cause & !INTERRUPT_BIT));
        check_eq!(40 + i as u32, (i, got), (i, want.map_or(Ok(0), Err)));
    }
    clear_all();
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
