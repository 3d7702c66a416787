//! The boundary with Berkeley SoftFloat 3e: every operation that rounds is
//! computed here, in the rounding mode asked for, with its exact flags.
//!
//! Why Berkeley SoftFloat (crate `softfloat-sys`, feature `riscv`): it is the
//! library the reference simulator Spike uses, and its RISC-V specialization
//! already does what the F and D chapters define beyond IEEE 754: the
//! canonical NaN for every NaN result, tininess detected after rounding, and
//! RISC-V's values for out-of-range and NaN float-to-integer conversions
//! (table "Domains of float-to-integer conversions"). It rounds add, sub,
//! mul, div, sqrt, fused multiply-add and every conversion in all five modes
//! and reports all five flags. The other crates fall short: rustc_apfloat
//! (pure Rust, kept by the Rust project) has no square root and reports
//! underflow only when the rounded result is subnormal, missing tiny results
//! that round up to the smallest normal; simple-soft-float is LGPL and has had
//! no release since 2020; softfloat-wrapper is a thin layer over this crate.
//! The cost: a C build (cc, plus CMake for its `c99` dependency, which `make
//! setup` installs) whose rules cover x86-64 Linux hosts only.
//!
//! SoftFloat keeps its rounding mode and flags in thread-local C variables;
//! [`rounded`] sets the mode, clears the flags, runs one operation and reads
//! the flags back, so nothing carries over between instructions or threads.

use super::regs::{Format, D, S};
use softfloat_sys as sf;
use sv39_arch::csr::fcsr;

// RISC-V took its flag and rounding-mode encodings from SoftFloat: fflags is
// SoftFloat's flag byte and rm 0-4 are SoftFloat's modes, bit for bit.
const _: () = assert!(
    sf::softfloat_flag_inexact == fcsr::NX
        && sf::softfloat_flag_underflow == fcsr::UF
        && sf::softfloat_flag_overflow == fcsr::OF
        && sf::softfloat_flag_infinite == fcsr::DZ
        && sf::softfloat_flag_invalid == fcsr::NV
);
const _: () = assert!(
    sf::softfloat_round_near_even == fcsr::RNE
        && sf::softfloat_round_minMag == fcsr::RTZ
        && sf::softfloat_round_min == fcsr::RDN
        && sf::softfloat_round_max == fcsr::RUP
        && sf::softfloat_round_near_maxMag == fcsr::RMM
);

/// Runs `op` in rounding mode `rm` (RNE..RMM) and returns its result with the
/// exception flags it raised, laid out as `fflags`.
pub(super) fn rounded<T>(rm: u8, op: impl FnOnce() -> T) -> (T, u8) {
    // SAFETY: the helpers only write SoftFloat's thread-local mode and flags.
    unsafe {
        sf::softfloat_roundingMode_write_helper(rm);
        sf::softfloat_exceptionFlags_write_helper(0);
    }
    let v = op();
    // SAFETY: reads SoftFloat's thread-local flags.
    let flags = unsafe { sf::softfloat_exceptionFlags_read_helper() };
    (v, flags & fcsr::FFLAGS as u8)
}

/// The five rounding modes in encoding order, for tests that try each.
#[cfg(test)]
pub(super) const MODES: [u8; 5] = [fcsr::RNE, fcsr::RTZ, fcsr::RDN, fcsr::RUP, fcsr::RMM];

/// The integer side of fcvt: W, WU, L, LU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Int {
    W,
    Wu,
    L,
    Lu,
}

/// The rounding operations of a format, on raw bits. Call them inside
/// [`rounded`]: they use its rounding mode and raise flags into it.
pub(super) trait Ieee: Format {
    fn add(a: u64, b: u64) -> u64;
    fn sub(a: u64, b: u64) -> u64;
    fn mul(a: u64, b: u64) -> u64;
    fn div(a: u64, b: u64) -> u64;
    fn sqrt(a: u64) -> u64;
    /// a × b + c with a single rounding.
    fn mul_add(a: u64, b: u64, c: u64) -> u64;
    /// fcvt.{w,wu,l,lu}: the integer in rounding mode `rm`, sign-extended to
    /// 64 bits (also for WU, as RV64 requires), saturated with NV when out of range.
    fn to_int(a: u64, to: Int, rm: u8) -> u64;
    /// fcvt from the low 32 bits (W, WU) or all of `x` (L, LU).
    fn from_int(x: u64, from: Int) -> u64;
}

macro_rules! ieee {
    ($fmt:ty, $t:ident, $raw:ty, $add:ident, $sub:ident, $mul:ident, $div:ident, $sqrt:ident,
     $mul_add:ident, [$to_i32:ident, $to_u32:ident, $to_i64:ident, $to_u64:ident],
     [$from_i32:ident, $from_u32:ident, $from_i64:ident, $from_u64:ident]) => {
        impl Ieee for $fmt {
            fn add(a: u64, b: u64) -> u64 {
                // SAFETY: SoftFloat functions take and return plain values.
                unsafe { sf::$add(sf::$t { v: a as $raw }, sf::$t { v: b as $raw }).v as u64 }
            }
            fn sub(a: u64, b: u64) -> u64 {
                // SAFETY: as in `add`.
                unsafe { sf::$sub(sf::$t { v: a as $raw }, sf::$t { v: b as $raw }).v as u64 }
            }
            fn mul(a: u64, b: u64) -> u64 {
                // SAFETY: as in `add`.
                unsafe { sf::$mul(sf::$t { v: a as $raw }, sf::$t { v: b as $raw }).v as u64 }
            }
            fn div(a: u64, b: u64) -> u64 {
                // SAFETY: as in `add`.
                unsafe { sf::$div(sf::$t { v: a as $raw }, sf::$t { v: b as $raw }).v as u64 }
            }
            fn sqrt(a: u64) -> u64 {
                // SAFETY: as in `add`.
                unsafe { sf::$sqrt(sf::$t { v: a as $raw }).v as u64 }
            }
            fn mul_add(a: u64, b: u64, c: u64) -> u64 {
                let (a, b, c) = (sf::$t { v: a as $raw }, sf::$t { v: b as $raw }, sf::$t { v: c as $raw });
                // SAFETY: as in `add`.
                unsafe { sf::$mul_add(a, b, c).v as u64 }
            }
            fn to_int(a: u64, to: Int, rm: u8) -> u64 {
                let a = sf::$t { v: a as $raw };
                // SAFETY: as in `add`; `true` asks for the inexact flag.
                unsafe {
                    match to {
                        Int::W => sf::$to_i32(a, rm, true) as i32 as u64,
                        Int::Wu => sf::$to_u32(a, rm, true) as u32 as i32 as u64,
                        Int::L => sf::$to_i64(a, rm, true) as u64,
                        Int::Lu => sf::$to_u64(a, rm, true) as u64,
                    }
                }
            }
            fn from_int(x: u64, from: Int) -> u64 {
                // SAFETY: as in `add`.
                let r = unsafe {
                    match from {
                        Int::W => sf::$from_i32(x as i32),
                        Int::Wu => sf::$from_u32(x as u32),
                        Int::L => sf::$from_i64(x as i64),
                        Int::Lu => sf::$from_u64(x),
                    }
                };
                r.v as u64
            }
        }
    };
}

ieee!(
    S,
    float32_t,
    u32,
    f32_add,
    f32_sub,
    f32_mul,
    f32_div,
    f32_sqrt,
    f32_mulAdd,
    [f32_to_i32, f32_to_ui32, f32_to_i64, f32_to_ui64],
    [i32_to_f32, ui32_to_f32, i64_to_f32, ui64_to_f32]
);
ieee!(
    D,
    float64_t,
    u64,
    f64_add,
    f64_sub,
    f64_mul,
    f64_div,
    f64_sqrt,
    f64_mulAdd,
    [f64_to_i32, f64_to_ui32, f64_to_i64, f64_to_ui64],
    [i32_to_f64, ui32_to_f64, i64_to_f64, ui64_to_f64]
);

/// fcvt.d.s: exact, but a signaling NaN raises NV.
pub(super) fn widen(a: u64) -> u64 {
    // SAFETY: as in `Ieee::add`.
    unsafe { sf::f32_to_f64(sf::float32_t { v: a as u32 }).v }
}

/// fcvt.s.d: rounds in the mode of [`rounded`].
pub(super) fn narrow(a: u64) -> u64 {
    // SAFETY: as in `Ieee::add`.
    unsafe { sf::f64_to_f32(sf::float64_t { v: a }).v as u64 }
}
