//! pmpaddr holds address bits 55:2 only. Priv spec 3.7.1: "For RV64, each PMP
//! address register encodes bits 55–2 of a 56-bit physical address"; figure
//! "PMP address register format, RV64" shows bits 63:54 as "0 (WARL)". QEMU
//! 7.2 keeps all 64 bits.
#![no_std]
#![no_main]

use hart_tests::*;

fn body() -> Checks {
    setup();
    csrw!("pmpaddr5", u64::MAX);
    check_eq!(1, csrr!("pmpaddr5"), u64::MAX >> 10);
    csrw!("pmpaddr5", 0);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
