//! RV64A atomic memory operations (unpriv spec 8.4 "Atomic Memory Operations"):
//! every AMO in .W and .D form returns the old memory value in rd and stores
//! op(old, rs2) ("For RV64, 32-bit AMOs always sign-extend the value placed in
//! rd, and ignore the upper 32 bits of the original value of rs2"); .W touches
//! only its word; aq/rl forms behave the same on one hart; rd = x0 still
//! performs the store; a misaligned AMO traps ("If the address is not naturally
//! aligned, an address-misaligned exception or an access-fault exception will
//! be generated"), tval = the address, and writes nothing. Which cause:
//! qemubug_amo_misaligned.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

static mut CELL: [u64; 2] = [0; 2];

fn cell() -> *mut u64 {
    &raw mut CELL as *mut u64
}

/// `amo!("amoadd.w", ptr, v)`: rd of the AMO.
macro_rules! amo {
    ($op:literal, $p:expr, $v:expr) => {{
        let d: u64;
        // SAFETY: `$p` points into CELL.
        unsafe { asm!(concat!($op, " {d}, {v}, ({p})"), d = out(reg) d, v = in(reg) $v as u64, p = in(reg) $p) };
        d
    }};
}

const MEM: u64 = 0xfedc_ba98_8000_0001; // low word negative as i32
const V: u64 = 0x0123_4567_7fff_ffff;

const fn sx32(v: u64) -> u64 {
    v as u32 as i32 as i64 as u64
}

/// op applied to (old, rs2), as 64-bit values.
const fn op64(k: usize, a: u64, b: u64) -> u64 {
    match k {
        0 => b,
        1 => a.wrapping_add(b),
        2 => a & b,
        3 => a | b,
        4 => a ^ b,
        5 => {
            if (a as i64) < (b as i64) {
                a
            } else {
                b
            }
        }
        6 => {
            if (a as i64) > (b as i64) {
                a
            } else {
                b
            }
        }
        7 => {
            if a < b {
                a
            } else {
                b
            }
        }
        _ => {
            if a > b {
                a
            } else {
                b
            }
        }
    }
}

/// op on the low words, as .W does.
const fn op32(k: usize, a: u64, b: u64) -> u64 {
    match k {
        5 | 6 => op64(k, sx32(a), sx32(b)) as u32 as u64,
        _ => op64(k, a as u32 as u64, b as u32 as u64) as u32 as u64,
    }
}

fn run_w(k: usize) -> u64 {
    let p = cell() as *mut u32;
    match k {
        0 => amo!("amoswap.w", p, V),
        1 => amo!("amoadd.w", p, V),
        2 => amo!("amoand.w", p, V),
        3 => amo!("amoor.w", p, V),
        4 => amo!("amoxor.w", p, V),
        5 => amo!("amomin.w", p, V),
        6 => amo!("amomax.w", p, V),
        7 => amo!("amominu.w", p, V),
        _ => amo!("amomaxu.w", p, V),
    }
}

fn run_d(k: usize) -> u64 {
    let p = cell();
    match k {
        0 => amo!("amoswap.d", p, V),
        1 => amo!("amoadd.d", p, V),
        2 => amo!("amoand.d", p, V),
        3 => amo!("amoor.d", p, V),
        4 => amo!("amoxor.d", p, V),
        5 => amo!("amomin.d", p, V),
        6 => amo!("amomax.d", p, V),
        7 => amo!("amominu.d", p, V),
        _ => amo!("amomaxu.d", p, V),
    }
}

fn set(v: u64) {
    // SAFETY: CELL is ours.
    unsafe { cell().write_volatile(v) }
}

fn get() -> u64 {
    // SAFETY: CELL is ours.
    unsafe { cell().read_volatile() }
}

extern "C" fn misaligned(p: u64) -> u64 {
    amo!("amoadd.w", p as *mut u32, 1u64)
}

extern "C" fn misaligned_d(p: u64) -> u64 {
    amo!("amoswap.d", p as *mut u64, 1u64)
}

fn body() -> Checks {
    setup();
    // 1..: .W on the low word of MEM; the upper word must survive.
    for k in 0..9 {
        let n = 1 + 4 * k as u32;
        set(MEM);
        check_eq!(n, (k, run_w(k)), (k, sx32(MEM)));
        check_eq!(n + 1, (k, get()), (k, (MEM & !0xffff_ffff) | op32(k, MEM, V)));
        set(MEM);
        check_eq!(n + 2, (k, run_d(k)), (k, MEM));
        check_eq!(n + 3, (k, get()), (k, op64(k, MEM, V)));
    }
    // 40..: .W on the upper word (address + 4) leaves the low word alone.
    set(MEM);
    // SAFETY: within CELL.
    let hi = unsafe { (cell() as *mut u32).add(1) };
    check_eq!(40, amo!("amoadd.w", hi, 1u64), sx32(MEM >> 32));
    check_eq!(41, get(), MEM + (1 << 32));
    // 42..: ordering bits do not change the result.
    set(5);
    check_eq!(42, amo!("amoadd.d.aqrl", cell(), 3u64), 5);
    check_eq!(43, amo!("amoswap.w.aq", cell() as *mut u32, 9u64), 8);
    check_eq!(44, amo!("amoor.d.rl", cell(), 0x10u64), 9);
    check_eq!(45, get(), 0x19);
    // 46: rd = x0 still writes memory.
    // SAFETY: within CELL.
    unsafe { asm!("amoadd.d x0, {v}, ({p})", v = in(reg) 1u64, p = in(reg) cell()) };
    check_eq!(46, get(), 0x1a);
    // 50..: misaligned AMOs trap in every mode, tval = address, and write nothing.
    let base = cell() as u64;
    for (i, mode) in [Priv::M, Priv::S, Priv::U].into_iter().enumerate() {
        let n = 50 + 2 * i as u32;
        let r = run_in(mode, misaligned, base + 2);
        expect_trap_in(n, r, &[4, 5, 6, 7], Some(base + 2))?;
        let r = run_in(mode, misaligned_d, base + 4);
        expect_trap_in(n + 1, r, &[4, 5, 6, 7], Some(base + 4))?;
    }
    check_eq!(60, get(), 0x1a);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
