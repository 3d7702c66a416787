//! fcvt between S/D and W/WU/L/LU in both directions, and fcvt.s.d/fcvt.d.s
//! (F and D chapters, "Floating-Point Conversion and Move Instructions"):
//! rounding, the saturated results and NV of table "Domains of
//! float-to-integer conversions", NX for inexact in-range results, 32-bit
//! results sign-extended (also for WU) on RV64, and NaN handling between
//! precisions.
#![no_std]
#![no_main]

use fp_tests::*;

const I32_MAX: u64 = 0x7fff_ffff;
const I32_MIN: u64 = 0xffff_ffff_8000_0000;
const U32_MAX: u64 = u64::MAX; // 0xffff_ffff sign-extended
const I64_MAX: u64 = i64::MAX as u64;
const I64_MIN: u64 = i64::MIN as u64;

/// Float-to-integer cases that hold in both formats.
macro_rules! to_int {
    ($f:literal, $v:ident) => {{
        use $v::*;
        let x = |v| out(v, 0);
        let nx = |v| out(v, NX);
        let nv = |v| out(v, NV);
        [
            (fx!(op!("fcvt.w", $f, "t6, ft0, rtz"), ONE), x(1)),
            (fx!(op!("fcvt.w", $f, "t6, ft0, rtz"), NEG_ONE), x(u64::MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0, rtz"), NEG_ZERO), x(0)),
            (fx!(op!("fcvt.w", $f, "t6, ft0, rtz"), MIN_SUBNORMAL), nx(0)),
            (fx!(op!("fcvt.w", $f, "t6, ft0, rdn"), NEG_MIN_SUBNORMAL), nx(u64::MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0, rtz"), THIRD_NEAR), nx(0)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), INF), nv(I32_MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), NEG_INF), nv(I32_MIN)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), QNAN), nv(I32_MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), NEG_QNAN_PAYLOAD), nv(I32_MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), NEG_SNAN_PAYLOAD), nv(I32_MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), MAX), nv(I32_MAX)),
            (fx!(op!("fcvt.w", $f, "t6, ft0"), NEG_MAX), nv(I32_MIN)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0, rtz"), THREE), x(3)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0"), NEG_ONE), nv(0)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0, rtz"), neg(HALF)), nx(0)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0, rdn"), neg(HALF)), nv(0)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0"), NEG_ZERO), x(0)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0"), INF), nv(U32_MAX)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0"), NEG_INF), nv(0)),
            (fx!(op!("fcvt.wu", $f, "t6, ft0"), QNAN), nv(U32_MAX)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), SIX), x(6)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), INF), nv(I64_MAX)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), NEG_INF), nv(I64_MIN)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), SNAN), nv(I64_MAX)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), NEG_QNAN_PAYLOAD), nv(I64_MAX)),
            (fx!(op!("fcvt.l", $f, "t6, ft0"), NEG_MAX), nv(I64_MIN)),
            (fx!(op!("fcvt.l", $f, "t6, ft0, rup"), MIN_SUBNORMAL), nx(1)),
            (fx!(op!("fcvt.lu", $f, "t6, ft0"), MAX), nv(u64::MAX)),
            (fx!(op!("fcvt.lu", $f, "t6, ft0"), NEG_ONE), nv(0)),
            (fx!(op!("fcvt.lu", $f, "t6, ft0"), NEG_INF), nv(0)),
            (fx!(op!("fcvt.lu", $f, "t6, ft0"), QNAN), nv(u64::MAX)),
            (fx!(op!("fcvt.lu", $f, "t6, ft0, rmm"), neg(HALF)), nv(0)), // rounds to -1
            (fx!(op!("fcvt.lu", $f, "t6, ft0, rne"), neg(HALF)), nx(0)), // rounds to -0
        ]
    }};
}

/// Integer-to-float cases that hold in both formats; `$cvt` is "fcvt.s" or "fcvt.d".
macro_rules! from_int {
    ($cvt:literal, $v:ident) => {{
        use $v::*;
        [
            (xf!(concat!($cvt, ".w ft3, t5"), 0), out(ZERO, 0)),
            (xf!(concat!($cvt, ".w ft3, t5"), 3), out(THREE, 0)),
            (xf!(concat!($cvt, ".w ft3, t5"), 0x1234_5678_ffff_fffe_u64), out(NEG_TWO, 0)), // low 32 bits
            (xf!(concat!($cvt, ".wu ft3, t5"), 0xffff_ffff_0000_0006_u64), out(SIX, 0)),
            (xf!(concat!($cvt, ".l ft3, t5"), -1i64), out(NEG_ONE, 0)),
            (xf!(concat!($cvt, ".l ft3, t5, rdn"), 0), out(ZERO, 0)), // +0 in every mode
            (xf!(concat!($cvt, ".lu ft3, t5"), 4), out(FOUR, 0)),
        ]
    }};
}

fn body() -> Checks {
    fp_on();
    check_all(1, &to_int!("s", sp))?;
    check_all(41, &to_int!("d", dp))?;
    check_all(81, &from_int!("fcvt.s", sp))?;
    check_all(91, &from_int!("fcvt.d", dp))?;
    // Format-specific edges: 101..
    let edges = [
        // Largest and smallest values in range, and just outside.
        (fx!("fcvt.w.s t6, ft0", s(0xcf00_0000)), out(I32_MIN, 0)), // -2^31
        (fx!("fcvt.w.s t6, ft0", s(0x4f00_0000)), out(I32_MAX, NV)), // 2^31
        (fx!("fcvt.w.s t6, ft0", s(0x4eff_ffff)), out(0x7fff_ff80, 0)), // 2^31 - 128
        (fx!("fcvt.w.d t6, ft0", 0x41df_ffff_ffc0_0000u64), out(I32_MAX, 0)), // 2^31 - 1
        (fx!("fcvt.w.d t6, ft0, rtz", 0x41df_ffff_ffe0_0000u64), out(I32_MAX, NX)), // 2^31 - 0.5
        (fx!("fcvt.w.d t6, ft0, rne", 0x41df_ffff_ffe0_0000u64), out(I32_MAX, NV)), // rounds to 2^31
        (fx!("fcvt.w.d t6, ft0", 0xc1e0_0000_0020_0000u64), out(I32_MIN, NV)), // -2^31 - 1
        (fx!("fcvt.wu.s t6, ft0", s(0x4f7f_ffff)), out(0xffff_ffff_ffff_ff00, 0)), // sign-extended
        (fx!("fcvt.wu.d t6, ft0", 0x41ef_ffff_ffe0_0000u64), out(U32_MAX, 0)), // 2^32 - 1
        (fx!("fcvt.wu.d t6, ft0", 0x41f0_0000_0000_0000u64), out(U32_MAX, NV)), // 2^32
        (fx!("fcvt.l.s t6, ft0", s(0xdf00_0000)), out(I64_MIN, 0)), // -2^63
        (fx!("fcvt.l.s t6, ft0", s(0x5f00_0000)), out(I64_MAX, NV)), // 2^63
        (fx!("fcvt.l.d t6, ft0", 0x43df_ffff_ffff_ffffu64), out(0x7fff_ffff_ffff_fc00, 0)),
        (fx!("fcvt.lu.s t6, ft0", s(0x5f7f_ffff)), out(0xffff_ff00_0000_0000, 0)),
        (fx!("fcvt.lu.d t6, ft0", 0x43f0_0000_0000_0000u64), out(u64::MAX, NV)), // 2^64
        // Integers with more bits than the significand round.
        (xf!("fcvt.s.w ft3, t5", 0x7fff_ffff), out(s(0x4f00_0000), NX)),
        (xf!("fcvt.s.w ft3, t5, rtz", 0x7fff_ffff), out(s(0x4eff_ffff), NX)),
        (xf!("fcvt.s.wu ft3, t5", 0xffff_ffff_u64), out(s(0x4f80_0000), NX)),
        (xf!("fcvt.s.l ft3, t5", i64::MIN), out(s(0xdf00_0000), 0)),
        (xf!("fcvt.s.lu ft3, t5", u64::MAX), out(s(0x5f80_0000), NX)),
        (xf!("fcvt.s.lu ft3, t5, rdn", u64::MAX), out(s(0x5f7f_ffff), NX)),
        (xf!("fcvt.d.w ft3, t5", 0x8000_0000_u64), out(0xc1e0_0000_0000_0000, 0)), // exact
        (xf!("fcvt.d.wu ft3, t5", 0xffff_ffff_u64), out(0x41ef_ffff_ffe0_0000, 0)),
        (xf!("fcvt.d.l ft3, t5", i64::MAX), out(0x43e0_0000_0000_0000, NX)),
        (xf!("fcvt.d.l ft3, t5, rtz", i64::MAX), out(0x43df_ffff_ffff_ffff, NX)),
        (xf!("fcvt.d.lu ft3, t5", u64::MAX), out(0x43f0_0000_0000_0000, NX)),
    ];
    check_all(101, &edges)?;
    // Between precisions: 141..
    let precision = [
        (ff!("fcvt.d.s ft3, ft0", sp::ONE), out(dp::ONE, 0)),
        (ff!("fcvt.d.s ft3, ft0", sp::NEG_ZERO), out(dp::NEG_ZERO, 0)),
        (ff!("fcvt.d.s ft3, ft0", sp::MIN_SUBNORMAL), out(0x36a0_0000_0000_0000, 0)), // 2^-149, normal in D
        (ff!("fcvt.d.s ft3, ft0", sp::NEG_INF), out(dp::NEG_INF, 0)),
        (ff!("fcvt.d.s ft3, ft0", sp::NEG_QNAN_PAYLOAD), out(dp::QNAN, 0)),
        (ff!("fcvt.d.s ft3, ft0", sp::SNAN), out(dp::QNAN, NV)),
        (ff!("fcvt.d.s ft3, ft0", dp::ONE), out(dp::QNAN, 0)), // an unboxed single is a NaN
        (ff!("fcvt.s.d ft3, ft0", dp::THREE), out(sp::THREE, 0)),
        (ff!("fcvt.s.d ft3, ft0", dp::NEG_ZERO), out(sp::NEG_ZERO, 0)),
        (ff!("fcvt.s.d ft3, ft0", dp::MAX), out(sp::INF, OF | NX)),
        (ff!("fcvt.s.d ft3, ft0", dp::MIN_SUBNORMAL), out(sp::ZERO, UF | NX)),
        (ff!("fcvt.s.d ft3, ft0, rup", dp::MIN_SUBNORMAL), out(sp::MIN_SUBNORMAL, UF | NX)),
        (ff!("fcvt.s.d ft3, ft0", 0x36a0_0000_0000_0000u64), out(sp::MIN_SUBNORMAL, 0)), // exact subnormal
        // 2^-126 (1 - 3 * 2^-26) rounds to the smallest normal but is tiny
        // with an unbounded exponent: UF. 2^-126 (1 - 2^-26) is not.
        (ff!("fcvt.s.d ft3, ft0", 0x380f_ffff_e800_0000u64), out(sp::MIN_NORMAL, UF | NX)),
        (ff!("fcvt.s.d ft3, ft0", 0x380f_ffff_f800_0000u64), out(sp::MIN_NORMAL, NX)),
        (ff!("fcvt.s.d ft3, ft0", dp::NEG_QNAN_PAYLOAD), out(sp::QNAN, 0)),
        (ff!("fcvt.s.d ft3, ft0", dp::NEG_SNAN_PAYLOAD), out(sp::QNAN, NV)),
        (ff!("fcvt.s.d ft3, ft0", dp::INF), out(sp::INF, 0)),
    ];
    check_all(141, &precision)
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
