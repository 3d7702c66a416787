//! With every PMP entry OFF, code in U faults on its first fetch. Priv spec
//! 3.7.1: "If no PMP entry matches an S-mode or U-mode access, but at least
//! one PMP entry is implemented, the access fails"; the failed fetch raises an
//! instruction access fault (cause 1) with mepc = mtval = the address (3.7.1:
//! "Failed accesses generate an instruction, load, or store access-fault
//! exception"). The mret that gets there is an ordinary mret (3.3.2). QEMU 7.2
//! instead makes that mret itself illegal (cause 2, mtval = the mret).
#![no_std]
#![no_main]

use hart_tests::*;

extern "C" fn nop(a: u64) -> u64 {
    a
}

fn body() -> Checks {
    setup();
    csrw!("pmpcfg0", 0);
    csrw!("pmpcfg2", 0);
    let f = nop as *const () as usize as u64;
    let r = run_in(Priv::U, nop, 0);
    let s = run_in(Priv::S, nop, 0);
    bare::pmp_allow_all();
    check_eq!(1, r, Err(Trap { cause: exc::INSTRUCTION_ACCESS_FAULT, tval: f, epc: f }));
    check_eq!(2, s, Err(Trap { cause: exc::INSTRUCTION_ACCESS_FAULT, tval: f, epc: f }));
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
