//! feq, flt, fle ("Floating-Point Compare Instructions": feq is quiet, flt
//! and fle signal NV on any NaN), fmin and fmax (IEEE 754-2019
//! minimumNumber/maximumNumber: -0 < +0, a NaN operand yields the other,
//! two NaNs the canonical NaN, sNaN sets NV) and fclass ("Floating-Point
//! Classify Instruction") in both precisions.
#![no_std]
#![no_main]

use fp_tests::*;

macro_rules! cases {
    ($f:literal, $v:ident) => {{
        use $v::*;
        let (t, f) = (out(1, 0), out(0, 0));
        let nv = out(0, NV);
        [
            // feq: 1..
            (fx!(op!("feq", $f, "t6, ft0, ft1"), ONE, ONE), t),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), ZERO, NEG_ZERO), t),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), ONE, TWO), f),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), INF, INF), t),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), MIN_SUBNORMAL, ZERO), f),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), QNAN, QNAN), f),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), NEG_QNAN_PAYLOAD, ONE), f),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), SNAN, SNAN), nv),
            (fx!(op!("feq", $f, "t6, ft0, ft1"), ONE, NEG_SNAN_PAYLOAD), nv),
            // flt: 10..
            (fx!(op!("flt", $f, "t6, ft0, ft1"), ONE, TWO), t),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), TWO, ONE), f),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), ONE, ONE), f),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), NEG_ZERO, ZERO), f),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), NEG_INF, NEG_MAX), t),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), NEG_MIN_SUBNORMAL, ZERO), t),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), QNAN, ONE), nv),
            (fx!(op!("flt", $f, "t6, ft0, ft1"), ONE, SNAN), nv),
            // fle: 18..
            (fx!(op!("fle", $f, "t6, ft0, ft1"), ONE, ONE), t),
            (fx!(op!("fle", $f, "t6, ft0, ft1"), ZERO, NEG_ZERO), t),
            (fx!(op!("fle", $f, "t6, ft0, ft1"), TWO, ONE), f),
            (fx!(op!("fle", $f, "t6, ft0, ft1"), MAX, INF), t),
            (fx!(op!("fle", $f, "t6, ft0, ft1"), NEG_QNAN_PAYLOAD, NEG_QNAN_PAYLOAD), nv),
            (fx!(op!("fle", $f, "t6, ft0, ft1"), SNAN, ONE), nv),
            // fclass: 24..
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_INF), out(1 << 0, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_ONE), out(1 << 1, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_MIN_SUBNORMAL), out(1 << 2, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_ZERO), out(1 << 3, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), ZERO), out(1 << 4, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), MAX_SUBNORMAL), out(1 << 5, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), MIN_NORMAL), out(1 << 6, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), INF), out(1 << 7, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_SNAN_PAYLOAD), out(1 << 8, 0)),
            (fx!(op!("fclass", $f, "t6, ft0"), NEG_QNAN_PAYLOAD), out(1 << 9, 0)),
            // fmin: 34..
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), ONE, TWO), out(ONE, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), TWO, NEG_ONE), out(NEG_ONE, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), ZERO, NEG_ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), NEG_ZERO, ZERO), out(NEG_ZERO, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), NEG_INF, NEG_MAX), out(NEG_INF, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), QNAN, ONE), out(ONE, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), ONE, NEG_QNAN_PAYLOAD), out(ONE, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), SNAN, ONE), out(ONE, NV)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), NEG_QNAN_PAYLOAD, NEG_QNAN_PAYLOAD), out(QNAN, 0)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), NEG_SNAN_PAYLOAD, NEG_QNAN_PAYLOAD), out(QNAN, NV)),
            (ff!(op!("fmin", $f, "ft3, ft0, ft1"), MIN_SUBNORMAL, NEG_ZERO), out(NEG_ZERO, 0)),
            // fmax: 45..
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), ONE, TWO), out(TWO, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), NEG_TWO, NEG_ONE), out(NEG_ONE, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), ZERO, NEG_ZERO), out(ZERO, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), NEG_ZERO, ZERO), out(ZERO, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), INF, MAX), out(INF, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), NEG_ONE, QNAN), out(NEG_ONE, 0)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), ONE, SNAN), out(ONE, NV)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), SNAN, NEG_SNAN_PAYLOAD), out(QNAN, NV)),
            (ff!(op!("fmax", $f, "ft3, ft0, ft1"), NEG_MIN_SUBNORMAL, NEG_ZERO), out(NEG_ZERO, 0)),
        ]
    }};
}

fn body() -> Checks {
    fp_on();
    check_all(1, &cases!("s", sp))?;
    check_all(101, &cases!("d", dp))?;
    // Unboxed singles are canonical NaNs: 201..
    let unboxed = [
        (fx!("feq.s t6, ft0, ft1", dp::ONE, dp::ONE), out(0, 0)),
        (fx!("flt.s t6, ft0, ft1", dp::ONE, sp::TWO), out(0, NV)),
        (fx!("fclass.s t6, ft0", dp::NEG_INF), out(1 << 9, 0)),
        (ff!("fmax.s ft3, ft0, ft1", dp::ONE, sp::NEG_ONE), out(sp::NEG_ONE, 0)),
        (ff!("fmin.s ft3, ft0, ft1", dp::ONE, 0x7fff_ffff_7f80_0001u64), out(sp::QNAN, 0)),
    ];
    check_all(201, &unboxed)
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
