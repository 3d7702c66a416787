//! RV64M (unpriv spec 13.1 "Multiplication Operations", 13.2 "Division
//! Operations"): mul/mulh/mulhsu/mulhu/mulw, div/divu/rem/remu and the W forms,
//! including division by zero (quotient all ones, remainder = dividend) and
//! signed overflow (-2^63 / -1 = -2^63, remainder 0), from table 13.1.
//! Expected values are computed by the host compiler (`const` blocks).
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

macro_rules! rr {
    ($op:literal, $a:expr, $b:expr) => {{
        let d: u64;
        // SAFETY: register arithmetic only.
        unsafe { asm!(concat!($op, " {d}, {a}, {b}"), d = out(reg) d, a = in(reg) $a as u64, b = in(reg) $b as u64) };
        d
    }};
}

const A: u64 = 0x8765_4321_f0e1_d2c3;
const B: u64 = 0x0123_4567_89ab_cdef;
const MIN: u64 = 1 << 63;
const M1: u64 = u64::MAX;
const MINW: u64 = 0xffff_ffff_8000_0000;

const fn sx32(v: u64) -> u64 {
    v as u32 as i32 as i64 as u64
}

fn body() -> Checks {
    let cases = [
        // 1..: multiply
        (rr!("mul", A, B), const { A.wrapping_mul(B) }),
        (rr!("mulh", A, B), const { ((A as i64 as i128 * B as i64 as i128) >> 64) as u64 }),
        (rr!("mulh", A, A), const { ((A as i64 as i128 * A as i64 as i128) >> 64) as u64 }),
        (rr!("mulhsu", A, B), const { ((A as i64 as i128 * B as i128) >> 64) as u64 }),
        (rr!("mulhsu", A, M1), const { ((A as i64 as i128 * M1 as i128) >> 64) as u64 }),
        (rr!("mulhu", A, B), const { ((A as u128 * B as u128) >> 64) as u64 }),
        (rr!("mulhu", M1, M1), M1 - 1),
        (rr!("mulh", M1, M1), 0),
        (rr!("mulhsu", M1, M1), M1),
        (rr!("mulw", A, B), const { sx32((A as u32).wrapping_mul(B as u32) as u64) }),
        (rr!("mulw", 0x1_0001_0000u64, 0x1_0000u64), 0), // 2^32 wraps to 0
        (rr!("mulw", 0x4000_0000u64, 2u64), MINW),
        // 13..: divide
        (rr!("div", A, B), const { (A as i64 / B as i64) as u64 }),
        (rr!("div", B, A), const { (B as i64 / A as i64) as u64 }),
        (rr!("divu", A, B), A / B),
        (rr!("rem", A, B), const { (A as i64 % B as i64) as u64 }),
        (rr!("rem", (-7i64) as u64, 2u64), M1), // sign of the dividend
        (rr!("remu", A, B), A % B),
        // 19..: by zero
        (rr!("div", A, 0u64), M1),
        (rr!("divu", A, 0u64), M1),
        (rr!("rem", A, 0u64), A),
        (rr!("remu", A, 0u64), A),
        // 23..: overflow
        (rr!("div", MIN, M1), MIN),
        (rr!("rem", MIN, M1), 0),
        // 25..: W forms use the low 32 bits and sign-extend
        (rr!("divw", 0xdead_0000_ffff_fff9u64, 2u64), (-3i64) as u64),
        (rr!("divuw", 0xdead_0000_ffff_fffeu64, 1u64), 0xffff_ffff_ffff_fffe),
        (rr!("divuw", 0xffff_fffeu64, 2u64), 0x7fff_ffff),
        (rr!("remw", 0xdead_0000_ffff_fff9u64, 2u64), M1),
        (rr!("remuw", 0xffff_ffffu64, 0x10u64), 0xf),
        (rr!("divw", A, 0u64), M1),
        (rr!("divuw", A, 0u64), M1),
        (rr!("remw", A, 0u64), const { sx32(A) }),
        (rr!("remuw", A, 0u64), const { sx32(A) }),
        (rr!("remuw", B, 0u64), const { sx32(B) }),
        (rr!("divw", 0x8000_0000u64, M1), MINW),
        (rr!("remw", 0x8000_0000u64, M1), 0),
        (rr!("divw", A, B), const { sx32((A as i32 / B as i32) as u32 as u64) }),
        (rr!("remw", A, B), const { sx32((A as i32 % B as i32) as u32 as u64) }),
        (rr!("divuw", A, B), const { sx32((A as u32 / B as u32) as u64) }),
        (rr!("remuw", A, B), const { sx32((A as u32 % B as u32) as u64) }),
    ];
    for (i, (got, want)) in cases.iter().enumerate() {
        check_eq!(i as u32 + 1, *got, *want);
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
