//! Exception delegation (priv spec 3.1.8 "Machine Trap Delegation Registers",
//! 4.1.1 sstatus SPP/SPIE/SIE, 4.1.7-4.1.9 sepc/scause/stval): with the cause's
//! medeleg bit set, an exception in S or U is taken in S with scause, sepc,
//! stval set as mcause/mepc/mtval would be, SPP = the old mode, SPIE = the old
//! SIE, SIE = 0; "Traps never transition from a more-privileged mode to a
//! less-privileged mode", so the same exception in M still goes to M; with the
//! bit clear it goes to M from every mode.
#![no_std]
#![no_main]

use core::arch::global_asm;
use hart_tests::*;

global_asm!(
    r#"
    .globl d_ecall, d_ebreak, d_illegal, d_load
d_ecall:   ecall
           ret
d_ebreak:  c.ebreak
           ret
d_illegal: .4byte 0x0000000b
           ret
d_load:    ld a0, 0(a0)
           ret
"#
);
unsafe extern "C" {
    safe fn d_ecall(a: u64) -> u64;
    safe fn d_ebreak(a: u64) -> u64;
    safe fn d_illegal(a: u64) -> u64;
    safe fn d_load(a: u64) -> u64;
}

fn addr(f: extern "C" fn(u64) -> u64) -> u64 {
    f as *const () as usize as u64
}

const HOLE: u64 = 0x9000_0000;

/// Runs f(arg) in mode and expects a trap taken by `handler` with `want`, from `mode`.
fn expect(n: u32, mode: Priv, f: extern "C" fn(u64) -> u64, arg: u64, handler: Priv, want: Trap) -> Checks {
    match run(mode, f, arg) {
        Err(t) => {
            check_eq!(n, (t.handler, t.trap), (handler, want));
            check_eq!(n + 1, t.from(), mode);
            Ok(())
        }
        Ok(v) => {
            check!(n, false, "Ok({v})");
            Ok(())
        }
    }
}

fn body() -> Checks {
    setup();
    let deleg =
        1 << exc::ILLEGAL_INSTRUCTION | 1 << exc::BREAKPOINT | 1 << exc::LOAD_ACCESS_FAULT | 1 << exc::ECALL_FROM_U;
    csrw!("medeleg", deleg);
    check_eq!(1, csrr!("medeleg") & deleg, deleg);
    let ill = Trap { cause: 2, tval: 0xb, epc: addr(d_illegal) };
    let bp = |t| Trap { cause: 3, tval: t, epc: addr(d_ebreak) };
    let ld = Trap { cause: 5, tval: HOLE, epc: addr(d_load) };
    let ec_u = Trap { cause: 8, tval: 0, epc: addr(d_ecall) };
    let ec_s = Trap { cause: 9, tval: 0, epc: addr(d_ecall) };
    // 10..: delegated from U and S.
    for (i, mode) in [Priv::U, Priv::S].into_iter().enumerate() {
        let n = 10 + 20 * i as u32;
        expect(n, mode, d_illegal, 0, Priv::S, ill)?;
        let tval = match run(mode, d_ebreak, 0) {
            Err(t) => t.trap.tval,
            Ok(_) => 0,
        };
        expect(n + 2, mode, d_ebreak, 0, Priv::S, bp(tval))?;
        expect(n + 4, mode, d_load, HOLE, Priv::S, ld)?;
    }
    expect(16, Priv::U, d_ecall, 0, Priv::S, ec_u)?;
    // ecall from S is not delegated here: it goes to M.
    expect(36, Priv::S, d_ecall, 0, Priv::M, ec_s)?;

    // 50..: sstatus on a delegated trap: SPP = old mode, SPIE = old SIE, SIE = 0.
    for (i, mode) in [Priv::U, Priv::S].into_iter().enumerate() {
        for sie in [0, mstatus::SIE] {
            let n = 50 + 4 * i as u32 + 2 * (sie != 0) as u32;
            csrc!("mstatus", mstatus::SIE);
            csrs!("mstatus", sie);
            let r = run(mode, d_illegal, 0);
            csrc!("mstatus", mstatus::SIE);
            match r {
                Err(t) => {
                    check_eq!(n, (t.handler, t.status & mstatus::SPP != 0), (Priv::S, mode == Priv::S));
                    let want = if sie != 0 { mstatus::SPIE } else { 0 };
                    check_eq!(n + 1, t.status & (mstatus::SPIE | mstatus::SIE), want);
                }
                Ok(v) => check!(n, false, "Ok({v})"),
            }
        }
    }

    // 60..: never delegated from M, even with every medeleg bit set.
    csrw!("medeleg", u64::MAX);
    let all = csrr!("medeleg");
    check!(60, all & deleg == deleg, "medeleg {all:#x}");
    expect(61, Priv::M, d_illegal, 0, Priv::M, ill)?;
    expect(63, Priv::M, d_load, HOLE, Priv::M, ld)?;
    let r = run(Priv::M, d_ecall, 0);
    check_eq!(65, r.map_err(|t| (t.handler, t.trap.cause)), Err((Priv::M, exc::ECALL_FROM_M)));
    // 70..: with medeleg clear, everything goes to M.
    csrw!("medeleg", 0);
    expect(70, Priv::U, d_illegal, 0, Priv::M, ill)?;
    expect(72, Priv::S, d_load, HOLE, Priv::M, ld)?;
    expect(74, Priv::U, d_ecall, 0, Priv::M, ec_u)?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
