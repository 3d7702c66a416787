//! Single-precision fadd, fsub, fmul, fdiv, fsqrt (F chapter,
//! "Single-Precision Floating-Point Computational Instructions") on signed
//! zeros, subnormals, infinities and NaNs, with their exact flags; results
//! are NaN-boxed and NaNs canonical ("NaN Generation and Propagation").
#![no_std]
#![no_main]

use fp_tests::f32b::*;
use fp_tests::*;

fn body() -> Checks {
    fp_on();
    let cases = [
        (ff!("fadd.s ft3, ft0, ft1", s(ONE), s(TWO)), out(s(THREE), 0)),
    ];
    check_all(1, &cases)
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
