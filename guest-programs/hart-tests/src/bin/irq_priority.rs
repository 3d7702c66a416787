//! Interrupts from several sources and the global enables (priv spec 3.1.9
//! "Machine Interrupt Registers", 4.1.3): with all six standard interrupts
//! pending and enabled each is taken once, every M-level one before any
//! delegated one (the exact order: qemubug_irq_priority); an interrupt to M is
//! taken "if ... either the current privilege mode is M and the MIE bit in the
//! mstatus register is set, or the current privilege mode has less privilege
//! than M-mode"; one delegated to S if "the current privilege mode is S and the
//! SIE bit in the sstatus register is set, or the current privilege mode has
//! less privilege than S-mode" (so never in M). MEIP comes from the PLIC
//! (context 0 = hart 0 M-mode), raised by the UART's transmitter-empty
//! interrupt (source 10), and is read-only in mip.
#![no_std]
#![no_main]

use hart_tests::*;
/// Checks n..n+3: all six taken once (`want` in any order), M-level first.
fn each_once(n: u32, mode: Priv, want: &[(Priv, u64); 6]) -> Checks {
    let got = irq_sequence(n, mode)?;
    for w in want {
        check!(n + 2, got.iter().filter(|g| *g == w).count() == 1, "{w:?} not taken once: {got:?}");
    }
    let m_count = want.iter().filter(|w| w.0 == Priv::M).count();
    check!(n + 3, got[..m_count].iter().all(|g| g.0 == Priv::M), "S before M: {got:?}");
    Ok(())
}

fn body() -> Checks {
    setup();
    // 1..: each source is pending (MEIP from the PLIC, read-only in mip).
    pend_all_irqs();
    check_eq!(1, csrr!("mip") & ALL_IRQS, ALL_IRQS);
    csrc!("mip", mip::MEIP);
    check_eq!(2, csrr!("mip") & mip::MEIP, mip::MEIP);
    // 10..: all to M, from S.
    csrw!("mie", ALL_IRQS);
    use Priv::{M, S};
    each_once(10, S, &[(M, 11), (M, 3), (M, 7), (M, 9), (M, 1), (M, 5)])?;
    // 20..: S-level ones delegated, from U: M-level first.
    csrw!("mideleg", mip::SEIP | mip::SSIP | mip::STIP);
    csrw!("mie", ALL_IRQS);
    each_once(20, Priv::U, &[(M, 11), (M, 3), (M, 7), (S, 9), (S, 1), (S, 5)])?;
    clear_all_irqs();

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
    clear_all_irqs();
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
