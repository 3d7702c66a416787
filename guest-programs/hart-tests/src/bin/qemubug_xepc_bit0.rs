//! Bit 0 of mepc and sepc is always zero. Priv spec 3.1.14: "The low bit of
//! mepc (mepc[0]) is always zero"; 4.1.7: "The low bit of sepc (sepc[0]) is
//! always zero". QEMU 7.2 keeps a written bit 0.
#![no_std]
#![no_main]

use hart_tests::*;

fn body() -> Checks {
    setup();
    csrw!("mepc", 0x8000_1237);
    check_eq!(1, csrr!("mepc"), 0x8000_1236);
    csrw!("sepc", 0x8000_1237);
    check_eq!(2, csrr!("sepc"), 0x8000_1236);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
