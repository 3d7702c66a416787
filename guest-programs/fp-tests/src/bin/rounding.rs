//! Every rounding mode ("Rounding mode encoding": RNE, RTZ, RDN, RUP, RMM),
//! static in the instruction and dynamic through frm, on inexact results of
//! each kind of rounding instruction in both precisions: a non-tie (1/3), ties
//! (to even vs. away), negative values, overflow, a subnormal tie, sqrt, the
//! fused multiply-add, and conversions to and from integers and between
//! precisions.
#![no_std]
#![no_main]

use fp_tests::*;

/// Checks one case in the five static modes (check n) and the five dynamic
/// ones (check n + 1).
macro_rules! both {
    ($n:expr, $run:ident, $m:literal, $f:literal, $ops:literal, [$($arg:expr),+], $want:expr) => {{
        let want: [Out; 5] = $want;
        check_eq!($n, each_mode!($run, $m, $f, $ops, $($arg),+), want);
        check_eq!($n + 1, each_frm!($run, $m, $f, $ops, $($arg),+), want);
    }};
}

/// The cases of format `$f` with values from `$v`; `$cvt` is "fcvt.s" or "fcvt.d".
macro_rules! cases {
    ($n:expr, $f:literal, $v:ident, $cvt:literal) => {{
        use $v::*;
        let n = $n;
        let (near, down, up) = (THIRD_NEAR, THIRD_DOWN, THIRD_UP);
        both!(n, ff, "fdiv", $f, "ft3, ft0, ft1", [ONE, THREE], modes([near, down, down, up, near], NX));
        both!(
            n + 2,
            ff,
            "fdiv",
            $f,
            "ft3, ft0, ft1",
            [NEG_ONE, THREE],
            modes([neg(near), neg(down), neg(up), neg(down), neg(near)], NX)
        );
        // 1 + ulp/2 is a tie between 1 (even) and 1 + ulp.
        let (one, next) = (ONE, ONE_PLUS_ULP);
        both!(n + 4, ff, "fadd", $f, "ft3, ft0, ft1", [ONE, HALF_ULP], modes([one, one, one, next, next], NX));
        both!(
            n + 6,
            ff,
            "fsub",
            $f,
            "ft3, ft0, ft1",
            [NEG_ONE, HALF_ULP],
            modes([neg(one), neg(one), neg(next), neg(one), neg(next)], NX)
        );
        // 1 + ulp + ulp/2 is a tie between 1 + ulp (odd) and 1 + 2 ulp (even).
        let even = ONE_PLUS_ULP + 1;
        both!(
            n + 8,
            ff,
            "fadd",
            $f,
            "ft3, ft0, ft1",
            [ONE_PLUS_ULP, HALF_ULP],
            modes([even, next, next, even, even], NX)
        );
        both!(n + 10, ff, "fmul", $f, "ft3, ft0, ft1", [MAX, TWO], modes([INF, MAX, MAX, INF, INF], OF | NX));
        both!(
            n + 12,
            ff,
            "fmul",
            $f,
            "ft3, ft0, ft1",
            [NEG_MAX, TWO],
            modes([NEG_INF, NEG_MAX, NEG_INF, NEG_MAX, NEG_INF], OF | NX)
        );
        both!(
            n + 14,
            ff,
            "fsqrt",
            $f,
            "ft3, ft0",
            [TWO],
            modes([SQRT2_NEAR, SQRT2_DOWN, SQRT2_DOWN, SQRT2_UP, SQRT2_NEAR], NX)
        );
        // An exact zero sum is -0 in RDN only, also when fused.
        both!(
            n + 16,
            ff,
            "fmadd",
            $f,
            "ft3, ft0, ft1, ft2",
            [ONE, ONE, NEG_ONE],
            modes([ZERO, ZERO, NEG_ZERO, ZERO, ZERO], 0)
        );
        // A subnormal tie: -min_subnormal / 2.
        let (z, m) = (NEG_ZERO, NEG_MIN_SUBNORMAL);
        both!(n + 18, ff, "fmul", $f, "ft3, ft0, ft1", [NEG_MIN_SUBNORMAL, HALF], modes([z, z, m, z, m], UF | NX));
        // To integers: ±2.5 (ties).
        both!(n + 20, fx, "fcvt.w", $f, "t6, ft0", [TWO_AND_HALF], modes([2, 2, 2, 3, 3], NX));
        let (m2, m3) = (-2i64 as u64, -3i64 as u64);
        both!(n + 22, fx, "fcvt.l", $f, "t6, ft0", [neg(TWO_AND_HALF)], modes([m2, m2, m3, m2, m3], NX));
        // From integers: 2^p + 1 is a tie.
        let (lo, hi) = (TIE_INT_DOWN, TIE_INT_UP);
        both!(n + 24, xf, $cvt, "l", "ft3, t5", [TIE_INT], modes([lo, lo, lo, hi, hi], NX));
        both!(n + 26, xf, $cvt, "lu", "ft3, t5", [TIE_INT], modes([lo, lo, lo, hi, hi], NX));
    }};
}

fn body() -> Checks {
    fp_on();
    cases!(1, "s", sp, "fcvt.s");
    cases!(31, "d", dp, "fcvt.d");
    // fcvt.s.d: the double nearest 1/3 rounds to a single like 1/3 does.
    let (near, down, up) = (sp::THIRD_NEAR, sp::THIRD_DOWN, sp::THIRD_UP);
    both!(61, ff, "fcvt.s", "d", "ft3, ft0", [dp::THIRD_NEAR], modes([near, down, down, up, near], NX));
    both!(63, ff, "fcvt.s", "d", "ft3, ft0", [dp::MAX], modes([sp::INF, sp::MAX, sp::MAX, sp::INF, sp::INF], OF | NX));
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
