//! fmadd, fmsub, fnmsub, fnmadd in both precisions (F chapter, "fused
//! multiply-add"): one rounding of (±a × b) ± c, the signs of exact zero
//! results (fnmadd is -(a × b) - c, not -(a × b + c)), NV for ∞ × 0 even
//! with a quiet-NaN addend, NaN propagation, overflow and underflow.
#![no_std]
#![no_main]

use fp_tests::*;

macro_rules! cases {
    ($f:literal, $v:ident) => {{
        use $v::*;
        let (nan, invalid) = (out(QNAN, 0), out(QNAN, NV));
        [
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), TWO, THREE, ONE), out(SEVEN, 0)),
            (ff!(op!("fmsub", $f, "ft3, ft0, ft1, ft2"), TWO, THREE, ONE), out(FIVE, 0)),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), TWO, THREE, ONE), out(neg(FIVE), 0)),
            (ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), TWO, THREE, ONE), out(neg(SEVEN), 0)),
            // Single rounding: (1 + ulp)^2 = 1 + 2 ulp + ulp^2, and a rounded
            // product would have lost the ulp^2 that a fused one keeps.
            (ff!(op!("fmul", $f, "ft3, ft0, ft1"), ONE_PLUS_ULP, ONE_PLUS_ULP), out(ONE_PLUS_ULP + 1, NX)),
            (
                ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), ONE_PLUS_ULP, ONE_PLUS_ULP, neg(ONE_PLUS_ULP + 1)),
                out(ULP_SQUARED, 0),
            ),
            (
                ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), ONE_PLUS_ULP, ONE_PLUS_ULP, neg(ONE_PLUS_ULP + 1)),
                out(neg(ULP_SQUARED), 0),
            ),
            // Signed zeros: fmadd 1 × 1 + -1 = +0; fnmadd -(1 × 1) - (-1) = +0;
            // fnmsub -(1 × 1) + 1 = +0; fmsub 1 × 1 - 1 = +0; -(0 × 1) - 0 = -0.
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, NEG_ONE), out(ZERO, 0)),
            (ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, NEG_ONE), out(ZERO, 0)),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, ONE), out(ZERO, 0)),
            (ff!(op!("fmsub", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, ONE), out(ZERO, 0)),
            (ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), ZERO, ONE, ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), ZERO, ONE, NEG_ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), NEG_ZERO, ONE, ZERO), out(ZERO, 0)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2, rdn"), NEG_ZERO, ONE, ZERO), out(NEG_ZERO, 0)),
            // Invalid: ∞ × 0 (with any addend, even a quiet NaN), ∞ - ∞.
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), INF, ZERO, ONE), invalid),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), INF, ZERO, QNAN), invalid),
            (ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), ZERO, NEG_INF, NEG_QNAN_PAYLOAD), invalid),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), INF, ONE, NEG_INF), invalid),
            (ff!(op!("fmsub", $f, "ft3, ft0, ft1, ft2"), INF, ONE, INF), invalid),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), INF, ONE, INF), invalid),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), INF, ONE, NEG_INF), out(NEG_INF, 0)),
            // NaNs: quiet ones propagate as the canonical NaN, signaling ones add NV.
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, NEG_QNAN_PAYLOAD), nan),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), NEG_QNAN_PAYLOAD, ONE, ONE), nan),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), ONE, ONE, SNAN), invalid),
            (ff!(op!("fnmsub", $f, "ft3, ft0, ft1, ft2"), ONE, NEG_SNAN_PAYLOAD, ONE), invalid),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), INF, ONE, ONE), out(INF, 0)),
            (ff!(op!("fnmadd", $f, "ft3, ft0, ft1, ft2"), INF, ONE, ONE), out(NEG_INF, 0)),
            // Overflow and underflow after one rounding.
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), MAX, TWO, NEG_MAX), out(MAX, 0)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), MAX, TWO, ZERO), out(INF, OF | NX)),
            (ff!(op!("fmsub", $f, "ft3, ft0, ft1, ft2, rtz"), MAX, TWO, ZERO), out(MAX, OF | NX)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), MIN_SUBNORMAL, HALF, ZERO), out(ZERO, UF | NX)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), MIN_NORMAL, HALF, NEG_ZERO), out(HALF_MIN_NORMAL, 0)),
            (ff!(op!("fmadd", $f, "ft3, ft0, ft1, ft2"), MIN_SUBNORMAL, HALF, MIN_NORMAL), out(MIN_NORMAL, NX)),
        ]
    }};
}

fn body() -> Checks {
    fp_on();
    check_all(1, &cases!("s", sp))?;
    check_all(101, &cases!("d", dp))?;
    // fmadd.s reads all three operands NaN-unboxed: an unboxed addend is a NaN.
    let unboxed = ff!("fmadd.s ft3, ft0, ft1, ft2", sp::ONE, sp::ONE, dp::ONE);
    check_eq!(201, unboxed, out(sp::QNAN, 0));
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
