//! Counters and timers (unpriv spec 10.1 "Zicntr"; priv spec 3.1.10
//! "Hardware Performance Monitor", 3.1.11/4.1.4 "Counter-Enable Registers"):
//! mcycle and minstret advance and are writable; time reads the CLINT's mtime
//! in M; cycle/time/instret from S need mcounteren.CY/TM/IR and from U also
//! scounteren ("When the CY, TM, IR, or HPMn bit in the mcounteren register is
//! clear, attempts to read the cycle, time, instret, or hpmcountern register
//! while executing in S-mode or U-mode will cause an illegal instruction
//! exception"; likewise scounteren for U-mode).
#![no_std]
#![no_main]

use hart_tests::*;

core::arch::global_asm!(
    r#"
    .globl c_cycle, c_time, c_instret
c_cycle:   csrr a0, cycle
           ret
c_time:    csrr a0, time
           ret
c_instret: csrr a0, instret
           ret
"#
);
unsafe extern "C" {
    safe fn c_cycle(a: u64) -> u64;
    safe fn c_time(a: u64) -> u64;
    safe fn c_instret(a: u64) -> u64;
}

fn spin(n: u64) {
    for i in 0..n {
        core::hint::black_box(i);
    }
}

fn body() -> Checks {
    setup();
    // 1..: counters advance.
    let (c0, i0) = (csrr!("mcycle"), csrr!("minstret"));
    spin(1000);
    let (c1, i1) = (csrr!("mcycle"), csrr!("minstret"));
    check!(1, c1 > c0, "mcycle {c0} -> {c1}");
    check!(2, i1 > i0, "minstret {i0} -> {i1}");
    // 3..: the unprivileged names read the same counters.
    let (c2, i2) = (csrr!("cycle"), csrr!("instret"));
    check!(3, c2 >= c1, "cycle {c2} < mcycle {c1}");
    check!(4, i2 >= i1, "instret {i2} < minstret {i1}");
    // 5..: writes take effect ("mcycle ... minstret ... are read/write").
    const BIG: u64 = 1 << 40;
    csrw!("minstret", BIG);
    let v = csrr!("minstret");
    check!(5, (BIG..BIG + (1 << 32)).contains(&v), "minstret {v:#x} after writing {BIG:#x}");
    csrw!("mcycle", BIG);
    let v = csrr!("mcycle");
    check!(6, (BIG..BIG + (1 << 32)).contains(&v), "mcycle {v:#x} after writing {BIG:#x}");

    // 10..: time in M follows mtime.
    let t0 = mtime();
    let t = csrr!("time");
    let t1 = mtime();
    check!(10, t0 <= t && t <= t1, "mtime {t0} time {t} mtime {t1}");
    spin(10_000);
    check!(11, csrr!("time") > t, "time does not advance");

    // 20..: gating. Bit k of (m|s)counteren gates CSR 0xc00 + k.
    let readers: [(u64, extern "C" fn(u64) -> u64); 3] = [(0, c_cycle), (1, c_time), (2, c_instret)];
    for (k, f) in readers {
        let n = 20 + 10 * k as u32;
        let bit = 1u64 << k;
        csrw!("mcounteren", 0b111);
        csrw!("scounteren", 0b111);
        check!(n, run_in(Priv::S, f, 0).is_ok(), "S read {k} with both set");
        check!(n + 1, run_in(Priv::U, f, 0).is_ok(), "U read {k} with both set");
        csrw!("scounteren", 0b111 & !bit);
        check!(n + 2, run_in(Priv::S, f, 0).is_ok(), "scounteren does not gate S");
        expect_trap(n + 3, run_in(Priv::U, f, 0), exc::ILLEGAL_INSTRUCTION, None)?;
        csrw!("mcounteren", 0b111 & !bit);
        csrw!("scounteren", 0b111);
        expect_trap(n + 4, run_in(Priv::S, f, 0), exc::ILLEGAL_INSTRUCTION, None)?;
        expect_trap(n + 5, run_in(Priv::U, f, 0), exc::ILLEGAL_INSTRUCTION, None)?;
        // mtval holds the instruction bits (csrr a0, 0xc0k = 0xc0k02573).
        let r = run_in(Priv::S, f, 0);
        expect_trap(n + 6, r, exc::ILLEGAL_INSTRUCTION, Some(0xc000_2573 | (k << 20)))?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
