//! mstatus.MPP never holds the reserved value 2. Priv spec 3.1.6.1: "xPP
//! fields are WARL fields that can hold only privilege mode x and any
//! implemented privilege mode lower than x"; 2 encodes no privilege mode
//! (table 1.1: 10 is Reserved). QEMU 7.2 reads back 2.
#![no_std]
#![no_main]

use hart_tests::*;

fn body() -> Checks {
    setup();
    let ms = csrr!("mstatus");
    csrw!("mstatus", (ms & !mstatus::MPP) | (2 << mstatus::MPP_SHIFT));
    let mpp = (csrr!("mstatus") & mstatus::MPP) >> mstatus::MPP_SHIFT;
    csrw!("mstatus", ms);
    check!(1, mpp != 2, "MPP written with 2 reads back 2");
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
