//! fadd, fsub, fmul, fdiv and fsqrt in both precisions (F and D chapters,
//! "Floating-Point Computational Instructions") on signed zeros, subnormals,
//! infinities and NaNs, with exact flags: single results are NaN-boxed, NaN
//! results canonical ("NaN Generation and Propagation"), improperly boxed
//! singles read as the canonical NaN ("NaN Boxing of Narrower Values"), and
//! tininess is detected after rounding ("Subnormal Arithmetic").
#![no_std]
#![no_main]

use fp_tests::*;

/// The cases of format `$f` ("s" or "d") with its values from module `$v`.
macro_rules! cases {
    ($f:literal, $v:ident) => {{
        use $v::*;
        let nan = out(QNAN, 0);
        let invalid = out(QNAN, NV);
        [
            // fadd: 1..
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ONE, TWO), out(THREE, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ZERO, NEG_ZERO), out(ZERO, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), NEG_ZERO, NEG_ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1, rdn"), NEG_ZERO, ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ONE, NEG_ONE), out(ZERO, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1, rdn"), ONE, NEG_ONE), out(NEG_ZERO, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), INF, NEG_INF), invalid),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), INF, ONE), out(INF, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), MAX, MAX), out(INF, OF | NX)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), MIN_SUBNORMAL, MIN_SUBNORMAL), out(TWO_MIN_SUBNORMAL, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), MAX_SUBNORMAL, MIN_SUBNORMAL), out(MIN_NORMAL, 0)),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), NEG_QNAN_PAYLOAD, ONE), nan),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ONE, SNAN), invalid),
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ONE, HALF_ULP), out(ONE, NX)), // a tie: to even
            (ff!(op!("fadd", $f, "ft3, ft0, ft1"), ONE_PLUS_ULP, HALF_ULP), out(ONE_PLUS_ULP + 1, NX)),
            // fsub: 16..
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), ONE, ONE), out(ZERO, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1, rdn"), ONE, ONE), out(NEG_ZERO, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), NEG_ZERO, ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), INF, INF), invalid),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), NEG_INF, INF), out(NEG_INF, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), MIN_NORMAL, MAX_SUBNORMAL), out(MIN_SUBNORMAL, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), THREE, ONE), out(TWO, 0)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), NEG_ONE, NEG_MAX), out(MAX, NX)),
            (ff!(op!("fsub", $f, "ft3, ft0, ft1"), SNAN, SNAN), invalid),
            // fmul: 25..
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), TWO, THREE), out(SIX, 0)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), NEG_ZERO, ONE), out(NEG_ZERO, 0)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), NEG_ZERO, NEG_ONE), out(ZERO, 0)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), ZERO, INF), invalid),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), NEG_INF, NEG_TWO), out(INF, 0)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), MAX, TWO), out(INF, OF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rtz"), MAX, TWO), out(MAX, OF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rdn"), MAX, TWO), out(MAX, OF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rup"), NEG_MAX, TWO), out(NEG_MAX, OF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), MIN_NORMAL, HALF), out(HALF_MIN_NORMAL, 0)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), MIN_SUBNORMAL, HALF), out(ZERO, UF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rup"), MIN_SUBNORMAL, HALF), out(MIN_SUBNORMAL, UF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rmm"), MIN_SUBNORMAL, HALF), out(MIN_SUBNORMAL, UF | NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1, rdn"), NEG_MIN_SUBNORMAL, HALF), out(NEG_MIN_SUBNORMAL, UF | NX)),
            // The largest subnormal times 1 + ulp rounds to the smallest normal
            // even with an unbounded exponent: not tiny after rounding, NX only.
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), MAX_SUBNORMAL, ONE_PLUS_ULP), out(MIN_NORMAL, NX)),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), SNAN, ZERO), invalid),
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), NEG_QNAN_PAYLOAD, INF), nan),
            // fdiv: 42..
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), ONE, THREE), out(THIRD_NEAR, NX)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), SIX, THREE), out(TWO, 0)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), ONE, ZERO), out(INF, DZ)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), NEG_ONE, ZERO), out(NEG_INF, DZ)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), ONE, NEG_ZERO), out(NEG_INF, DZ)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), ZERO, ZERO), invalid),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), INF, NEG_INF), invalid),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), INF, ZERO), out(INF, 0)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), NEG_ONE, INF), out(NEG_ZERO, 0)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), MIN_SUBNORMAL, TWO), out(ZERO, UF | NX)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), MAX, HALF), out(INF, OF | NX)),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), SNAN, ZERO), invalid),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), QNAN, ZERO), nan),
            (ff!(op!("fdiv", $f, "ft3, ft0, ft1"), MIN_NORMAL, TWO), out(HALF_MIN_NORMAL, 0)),
            // fsqrt: 56..
            (ff!(op!("fsqrt", $f, "ft3, ft0"), FOUR), out(TWO, 0)),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), TWO), out(SQRT2_NEAR, NX)),
            (ff!(op!("fsqrt", $f, "ft3, ft0, rup"), TWO), out(SQRT2_UP, NX)),
            (ff!(op!("fsqrt", $f, "ft3, ft0, rtz"), TWO), out(SQRT2_DOWN, NX)),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_ONE), invalid),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_MIN_SUBNORMAL), invalid),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), INF), out(INF, 0)),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_INF), invalid),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_QNAN_PAYLOAD), nan),
            (ff!(op!("fsqrt", $f, "ft3, ft0"), NEG_SNAN_PAYLOAD), invalid),
        ]
    }};
}

fn body() -> Checks {
    fp_on();
    check_all(1, &cases!("s", sp))?;
    check_all(101, &cases!("d", dp))?;
    // Format-specific values: 201..
    let sqrt_subnormal = [
        (ff!("fsqrt.s ft3, ft0", sp::MIN_SUBNORMAL), out(s(0x1a35_04f3), NX)), // 2^-74.5
        (ff!("fsqrt.s ft3, ft0", s(0x0020_0000)), out(s(0x1f80_0000), 0)),     // 2^-128 -> 2^-64
        (ff!("fsqrt.d ft3, ft0", dp::MIN_SUBNORMAL), out(0x1e60_0000_0000_0000, 0)), // 2^-1074 -> 2^-537
        (ff!("fsqrt.d ft3, ft0", 2u64), out(0x1e66_a09e_667f_3bcd, NX)),       // 2^-1073 -> 2^-536.5
    ];
    check_all(201, &sqrt_subnormal)?;
    // Single operands that are not NaN-boxed read as the canonical NaN: 211..
    let unboxed = [
        (ff!("fadd.s ft3, ft0, ft1", 0x3f80_0000u64, sp::ONE), out(sp::QNAN, 0)),
        (ff!("fmul.s ft3, ft0, ft1", sp::ONE, 0xffff_fffe_3f80_0000u64), out(sp::QNAN, 0)),
        (ff!("fsqrt.s ft3, ft0", dp::FOUR), out(sp::QNAN, 0)),
        (ff!("fdiv.s ft3, ft0, ft1", 0x7fff_ffff_7f80_0001u64, sp::ONE), out(sp::QNAN, 0)), // not an sNaN
    ];
    check_all(211, &unboxed)
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
