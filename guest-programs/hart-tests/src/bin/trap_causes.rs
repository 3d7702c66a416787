//! Synchronous exceptions taken into M (priv spec 3.1.15 mcause table 3.6,
//! 3.1.16 mtval, 3.3.1 "Environment Call and Breakpoint", 3.1.6.1 trap entry):
//! ecall from M/S/U gives causes 11/9/8 with mepc = the ecall and mtval = 0;
//! ebreak and c.ebreak give cause 3 ("mtval is written with either zero or the
//! virtual address of the instruction"; the virt board writes 0); illegal
//! instructions give cause 2 with mtval = the instruction bits; access faults
//! on fetch/load/store outside every device give causes 1/5/7 with mtval = the
//! address; trap entry sets MPP = the old mode, MPIE = the old MIE, MIE = 0.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    .globl t_ecall, t_ebreak, t_cebreak, t_unimp, t_custom0, t_load, t_store, t_jump
t_ecall:   ecall
           ret
t_ebreak:  .option push
           .option norvc
           ebreak
           .option pop
           ret
t_cebreak: c.ebreak
           ret
t_unimp:   .4byte 0xc0001073   # csrrw x0, cycle, x0 (unimp)
           ret
t_custom0: .4byte 0x0000000b   # custom-0 opcode, unused on this hart
           ret
t_load:    ld a0, 0(a0)
           ret
t_store:   sd a0, 0(a0)
           ret
t_jump:    jr a0
"#
);
unsafe extern "C" {
    safe fn t_ecall(a: u64) -> u64;
    safe fn t_ebreak(a: u64) -> u64;
    safe fn t_cebreak(a: u64) -> u64;
    safe fn t_unimp(a: u64) -> u64;
    safe fn t_custom0(a: u64) -> u64;
    safe fn t_load(a: u64) -> u64;
    safe fn t_store(a: u64) -> u64;
    safe fn t_jump(a: u64) -> u64;
}

fn addr(f: extern "C" fn(u64) -> u64) -> u64 {
    f as *const () as usize as u64
}

/// Nothing answers here on the virt board with 128 MiB of RAM.
const HOLE: u64 = 0x9000_0000;

fn body() -> Checks {
    setup();
    let modes = [Priv::M, Priv::S, Priv::U];
    for (i, mode) in modes.into_iter().enumerate() {
        let n = 1 + 20 * i as u32;
        let ecall = [exc::ECALL_FROM_M, exc::ECALL_FROM_S, exc::ECALL_FROM_U][i];
        let r = run_in(mode, t_ecall, 0);
        check_eq!(n, r, Err(Trap { cause: ecall, tval: 0, epc: addr(t_ecall) }));
        for (k, f) in [t_ebreak, t_cebreak].into_iter().enumerate() {
            match run_in(mode, f, 0) {
                Err(t) => {
                    check_eq!(n + 1 + k as u32, (t.cause, t.epc), (exc::BREAKPOINT, addr(f)));
                    check!(n + 3 + k as u32, t.tval == 0 || t.tval == t.epc, "ebreak tval {:#x}", t.tval);
                }
                Ok(v) => check!(n + 1 + k as u32, false, "Ok({v})"),
            }
        }
        let r = run_in(mode, t_unimp, 0);
        check_eq!(n + 5, r, Err(Trap { cause: exc::ILLEGAL_INSTRUCTION, tval: 0xc000_1073, epc: addr(t_unimp) }));
        let r = run_in(mode, t_custom0, 0);
        check_eq!(n + 6, r, Err(Trap { cause: exc::ILLEGAL_INSTRUCTION, tval: 0xb, epc: addr(t_custom0) }));
        let r = run_in(mode, t_load, HOLE);
        check_eq!(n + 7, r, Err(Trap { cause: exc::LOAD_ACCESS_FAULT, tval: HOLE, epc: addr(t_load) }));
        let r = run_in(mode, t_store, HOLE + 8);
        check_eq!(n + 8, r, Err(Trap { cause: exc::STORE_ACCESS_FAULT, tval: HOLE + 8, epc: addr(t_store) }));
        let r = run_in(mode, t_jump, HOLE + 16);
        check_eq!(n + 9, r, Err(Trap { cause: exc::INSTRUCTION_ACCESS_FAULT, tval: HOLE + 16, epc: HOLE + 16 }));
    }

    // 70..: trap entry's mstatus: MPP = from, MPIE = old MIE, MIE = 0 (3.1.6.1).
    // mie = 0 so setting mstatus.MIE lets nothing in.
    for (i, mode) in modes.into_iter().enumerate() {
        for mie in [0, mstatus::MIE] {
            let n = 70 + 4 * i as u32 + 2 * (mie != 0) as u32;
            csrc!("mstatus", mstatus::MIE);
            csrs!("mstatus", mie);
            let r = run(mode, t_ecall, 0);
            csrc!("mstatus", mstatus::MIE);
            match r {
                Err(t) => {
                    check_eq!(n, t.from(), mode);
                    let want = if mie != 0 { mstatus::MPIE } else { 0 };
                    check_eq!(n + 1, t.status & (mstatus::MPIE | mstatus::MIE), want);
                }
                Ok(v) => check!(n, false, "Ok({v})"),
            }
        }
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
