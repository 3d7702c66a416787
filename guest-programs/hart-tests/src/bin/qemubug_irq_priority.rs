//! Simultaneous interrupts are taken in the spec's priority order. Priv spec
//! 3.1.9: "Multiple simultaneous interrupts destined for M-mode are handled in
//! the following decreasing priority order: MEI, MSI, MTI, SEI, SSI, STI";
//! 4.1.3: the same order for those delegated to S, which come after every
//! pending M-level one. QEMU 7.2 (without AIA) takes the lowest-numbered
//! pending interrupt first: SSI, MSI, STI, MTI, SEI, MEI.
#![no_std]
#![no_main]

use hart_tests::*;
use Priv::{M, S};

fn body() -> Checks {
    setup();
    pend_all_irqs();
    csrw!("mie", ALL_IRQS);
    let got = irq_sequence(1, S)?;
    check_eq!(3, got, [(M, 11), (M, 3), (M, 7), (M, 9), (M, 1), (M, 5)]);
    csrw!("mideleg", mip::SEIP | mip::SSIP | mip::STIP);
    csrw!("mie", ALL_IRQS);
    let got = irq_sequence(4, Priv::U)?;
    check_eq!(6, got, [(M, 11), (M, 3), (M, 7), (S, 9), (S, 1), (S, 5)]);
    clear_all_irqs();
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
