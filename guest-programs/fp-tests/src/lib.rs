//! Helpers for the F/D tests (one bin per test in `src/bin/`): run one
//! floating-point instruction on chosen register bits, read back its result
//! and `fflags`, and compare with the IEEE 754 result the test names.
//!
//! The guest workspace targets riscv64imac, so the compiler never touches the
//! f registers; F/D instructions are assembled inside `.option arch, +d`
//! blocks. Convention of [`fp_run!`]: the operands go to ft0, ft1, ft2 (bits,
//! moved with fmv.d.x, so singles must be passed NaN-boxed with [`s`]) and t5
//! (integer); `fflags` is cleared; the instruction writes ft3 or t6.
//!
//! Checks follow hart-tests: a test's `main` returns `status(body())`, and the
//! number of the first failing case is the exit status (below 250). Every
//! case must give the same bits and flags on sv39 and QEMU 7.2.
#![no_std]

pub use hart_tests::{
    check, check_eq, csrr, csrw, exc, expect_trap, mstatus, run_in, setup, status, Checks, Priv, Trap,
};
use sv39_arch::csr::fcsr;

/// fflags bits.
pub const NX: u64 = fcsr::NX as u64;
pub const UF: u64 = fcsr::UF as u64;
pub const OF: u64 = fcsr::OF as u64;
pub const DZ: u64 = fcsr::DZ as u64;
pub const NV: u64 = fcsr::NV as u64;

/// What one instruction produced: the destination's bits (all 64 bits of ft3,
/// or t6) and the flags it raised.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Out {
    pub v: u64,
    pub flags: u64,
}

impl core::fmt::Debug for Out {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "{:#018x} flags {:#04x}", self.v, self.flags)
    }
}

/// The expected outcome: `v` with `flags`.
pub const fn out(v: u64, flags: u64) -> Out {
    Out { v, flags }
}

/// A single-precision value as a register holds it: NaN-boxed.
pub const fn s(bits: u32) -> u64 {
    0xffff_ffff_0000_0000 | bits as u64
}

/// Single-precision values as registers hold them (NaN-boxed), with the
/// same names as in [`dp`] so one table of cases can serve both formats.
pub mod sp {
    use super::s;
    pub const ZERO: u64 = s(0x0000_0000);
    pub const NEG_ZERO: u64 = s(0x8000_0000);
    pub const ONE: u64 = s(0x3f80_0000);
    pub const NEG_ONE: u64 = s(0xbf80_0000);
    pub const HALF: u64 = s(0x3f00_0000);
    pub const TWO: u64 = s(0x4000_0000);
    pub const NEG_TWO: u64 = s(0xc000_0000);
    pub const THREE: u64 = s(0x4040_0000);
    pub const FOUR: u64 = s(0x4080_0000);
    pub const FIVE: u64 = s(0x40a0_0000);
    pub const SIX: u64 = s(0x40c0_0000);
    pub const SEVEN: u64 = s(0x40e0_0000);
    pub const INF: u64 = s(0x7f80_0000);
    pub const NEG_INF: u64 = s(0xff80_0000);
    pub const MAX: u64 = s(0x7f7f_ffff);
    pub const NEG_MAX: u64 = s(0xff7f_ffff);
    pub const MIN_NORMAL: u64 = s(0x0080_0000);
    pub const MAX_SUBNORMAL: u64 = s(0x007f_ffff);
    pub const MIN_SUBNORMAL: u64 = s(0x0000_0001);
    pub const NEG_MIN_SUBNORMAL: u64 = s(0x8000_0001);
    pub const TWO_MIN_SUBNORMAL: u64 = s(0x0000_0002);
    pub const HALF_MIN_NORMAL: u64 = s(0x0040_0000);
    /// 1 + 1 ulp, and half an ulp of 1 (2^-24).
    pub const ONE_PLUS_ULP: u64 = s(0x3f80_0001);
    pub const HALF_ULP: u64 = s(0x3380_0000);
    /// ulp(1)^2 = 2^-46.
    pub const ULP_SQUARED: u64 = s(0x2880_0000);
    /// The canonical NaN, and NaNs with payloads.
    pub const QNAN: u64 = s(0x7fc0_0000);
    pub const NEG_QNAN_PAYLOAD: u64 = s(0xffc1_2345);
    pub const SNAN: u64 = s(0x7f80_0001);
    pub const NEG_SNAN_PAYLOAD: u64 = s(0xffa5_a5a5);
    /// 1/3 rounded down and up in magnitude; RNE gives UP.
    pub const THIRD_DOWN: u64 = s(0x3eaa_aaaa);
    pub const THIRD_UP: u64 = s(0x3eaa_aaab);
    pub const THIRD_NEAR: u64 = THIRD_UP;
    /// sqrt(2) rounded down and up; RNE gives DOWN.
    pub const SQRT2_DOWN: u64 = s(0x3fb5_04f3);
    pub const SQRT2_UP: u64 = s(0x3fb5_04f4);
    pub const SQRT2_NEAR: u64 = SQRT2_DOWN;
    pub const TWO_AND_HALF: u64 = s(0x4020_0000);
    /// 2^24 + 1, an integer halfway between two singles, and those two.
    pub const TIE_INT: u64 = (1 << 24) + 1;
    pub const TIE_INT_DOWN: u64 = s(0x4b80_0000);
    pub const TIE_INT_UP: u64 = s(0x4b80_0001);
}

/// Double-precision values, named as in [`sp`].
pub mod dp {
    pub const ZERO: u64 = 0;
    pub const NEG_ZERO: u64 = 0x8000_0000_0000_0000;
    pub const ONE: u64 = 0x3ff0_0000_0000_0000;
    pub const NEG_ONE: u64 = 0xbff0_0000_0000_0000;
    pub const HALF: u64 = 0x3fe0_0000_0000_0000;
    pub const TWO: u64 = 0x4000_0000_0000_0000;
    pub const NEG_TWO: u64 = 0xc000_0000_0000_0000;
    pub const THREE: u64 = 0x4008_0000_0000_0000;
    pub const FOUR: u64 = 0x4010_0000_0000_0000;
    pub const FIVE: u64 = 0x4014_0000_0000_0000;
    pub const SIX: u64 = 0x4018_0000_0000_0000;
    pub const SEVEN: u64 = 0x401c_0000_0000_0000;
    pub const INF: u64 = 0x7ff0_0000_0000_0000;
    pub const NEG_INF: u64 = 0xfff0_0000_0000_0000;
    pub const MAX: u64 = 0x7fef_ffff_ffff_ffff;
    pub const NEG_MAX: u64 = 0xffef_ffff_ffff_ffff;
    pub const MIN_NORMAL: u64 = 0x0010_0000_0000_0000;
    pub const MAX_SUBNORMAL: u64 = 0x000f_ffff_ffff_ffff;
    pub const MIN_SUBNORMAL: u64 = 1;
    pub const NEG_MIN_SUBNORMAL: u64 = 0x8000_0000_0000_0001;
    pub const TWO_MIN_SUBNORMAL: u64 = 2;
    pub const HALF_MIN_NORMAL: u64 = 0x0008_0000_0000_0000;
    /// 1 + 1 ulp, and half an ulp of 1 (2^-53).
    pub const ONE_PLUS_ULP: u64 = 0x3ff0_0000_0000_0001;
    pub const HALF_ULP: u64 = 0x3ca0_0000_0000_0000;
    /// ulp(1)^2 = 2^-104.
    pub const ULP_SQUARED: u64 = 0x3970_0000_0000_0000;
    /// The canonical NaN, and NaNs with payloads.
    pub const QNAN: u64 = 0x7ff8_0000_0000_0000;
    pub const NEG_QNAN_PAYLOAD: u64 = 0xfff8_0000_1234_5678;
    pub const SNAN: u64 = 0x7ff0_0000_0000_0001;
    pub const NEG_SNAN_PAYLOAD: u64 = 0xfff4_0000_dead_beef;
    /// 1/3 rounded down and up in magnitude; RNE gives DOWN.
    pub const THIRD_DOWN: u64 = 0x3fd5_5555_5555_5555;
    pub const THIRD_UP: u64 = 0x3fd5_5555_5555_5556;
    pub const THIRD_NEAR: u64 = THIRD_DOWN;
    /// sqrt(2) rounded down and up; RNE gives UP.
    pub const SQRT2_DOWN: u64 = 0x3ff6_a09e_667f_3bcc;
    pub const SQRT2_UP: u64 = 0x3ff6_a09e_667f_3bcd;
    pub const SQRT2_NEAR: u64 = SQRT2_UP;
    pub const TWO_AND_HALF: u64 = 0x4004_0000_0000_0000;
    /// 2^53 + 1, an integer halfway between two doubles, and those two.
    pub const TIE_INT: u64 = (1 << 53) + 1;
    pub const TIE_INT_DOWN: u64 = 0x4340_0000_0000_0000;
    pub const TIE_INT_UP: u64 = 0x4340_0000_0000_0001;
}

/// The sign bit of `v` (either format, as a register holds it: a value whose
/// upper half is all ones is taken as a boxed single).
const fn sign_bit(v: u64) -> u64 {
    if v >> 32 == 0xffff_ffff {
        0x8000_0000
    } else {
        1 << 63
    }
}

/// `v` with its sign bit set.
pub const fn neg(v: u64) -> u64 {
    v | sign_bit(v)
}

/// `v` with its sign bit clear.
pub const fn abs(v: u64) -> u64 {
    v & !sign_bit(v)
}

/// Runs one F/D instruction (a string literal using ft0-ft3, t5, t6) on
/// operands `a`, `b`, `c` (ft0-ft2) and `x` (t5); returns (ft3, t6, fflags).
#[macro_export]
macro_rules! fp_run {
    ($insn:expr, $a:expr, $b:expr, $c:expr, $x:expr) => {{
        let (f, x, flags): (u64, u64, u64);
        // SAFETY: only f registers (unused by the compiler on this soft-float
        // target), fcsr and the named integer registers change.
        unsafe {
            core::arch::asm!(
                ".option push",
                ".option arch, +d",
                "fmv.d.x ft0, {a}",
                "fmv.d.x ft1, {b}",
                "fmv.d.x ft2, {c}",
                "fmv.d.x ft3, zero",
                "li t6, 0",
                "csrw fflags, zero",
                $insn,
                "fmv.x.d {f}, ft3",
                "csrr {flags}, fflags",
                ".option pop",
                a = in(reg) $a as u64,
                b = in(reg) $b as u64,
                c = in(reg) $c as u64,
                f = out(reg) f,
                flags = out(reg) flags,
                in("t5") $x as u64,
                out("t6") x,
            )
        };
        (f, x, flags)
    }};
}

/// An instruction with a float result in ft3: `ff!("fadd.s ft3, ft0, ft1", a, b)`;
/// the text may be built with `concat!`, as [`op!`] does.
#[macro_export]
macro_rules! ff {
    ($insn:expr, $a:expr) => {
        $crate::ff!($insn, $a, 0u64, 0u64)
    };
    ($insn:expr, $a:expr, $b:expr) => {
        $crate::ff!($insn, $a, $b, 0u64)
    };
    ($insn:expr, $a:expr, $b:expr, $c:expr) => {{
        let (f, _, flags) = $crate::fp_run!($insn, $a, $b, $c, 0u64);
        $crate::Out { v: f, flags }
    }};
}

/// An instruction with an integer result in t6: `fx!("feq.s t6, ft0, ft1", a, b)`.
#[macro_export]
macro_rules! fx {
    ($insn:expr, $a:expr) => {
        $crate::fx!($insn, $a, 0u64)
    };
    ($insn:expr, $a:expr, $b:expr) => {{
        let (_, x, flags) = $crate::fp_run!($insn, $a, $b, 0u64, 0u64);
        $crate::Out { v: x, flags }
    }};
}

/// An instruction from the integer t5 to ft3: `xf!("fcvt.s.w ft3, t5", x)`.
#[macro_export]
macro_rules! xf {
    ($insn:expr, $x:expr) => {{
        let (f, _, flags) = $crate::fp_run!($insn, 0u64, 0u64, 0u64, $x);
        $crate::Out { v: f, flags }
    }};
}

/// The text of instruction `mnemonic.fmt operands`: `op!("fadd", "s", "ft3, ft0, ft1")`.
#[macro_export]
macro_rules! op {
    ($mnemonic:literal, $fmt:literal, $operands:literal) => {
        concat!($mnemonic, ".", $fmt, " ", $operands)
    };
}

/// Turns on the F/D unit: mstatus.FS = Initial, fcsr = 0 (reset leaves FS Off).
pub fn fp_on() {
    hart_tests::csrs!("mstatus", mstatus::FS_INITIAL);
    csrw!("fcsr", 0);
}

/// Sets the dynamic rounding mode `frm`.
pub fn set_frm(rm: u64) {
    csrw!("frm", rm);
}

/// Checks `cases` of (got, want) in order: case i is check `first + i`.
pub fn check_all(first: u32, cases: &[(Out, Out)]) -> Checks {
    for (i, (got, want)) in cases.iter().enumerate() {
        check_eq!(first + i as u32, *got, *want);
    }
    Ok(())
}

/// Runs `$m.$f $ops` (float result) once per static rounding mode and returns
/// the outcomes in the order RNE, RTZ, RDN, RUP, RMM.
#[macro_export]
macro_rules! each_mode {
    ($run:ident, $m:literal, $f:literal, $ops:literal, $($arg:expr),+) => {
        [
            $crate::$run!(concat!($m, ".", $f, " ", $ops, ", rne"), $($arg),+),
            $crate::$run!(concat!($m, ".", $f, " ", $ops, ", rtz"), $($arg),+),
            $crate::$run!(concat!($m, ".", $f, " ", $ops, ", rdn"), $($arg),+),
            $crate::$run!(concat!($m, ".", $f, " ", $ops, ", rup"), $($arg),+),
            $crate::$run!(concat!($m, ".", $f, " ", $ops, ", rmm"), $($arg),+),
        ]
    };
}

/// Runs `$m.$f $ops` with the dynamic rounding mode (rm = 111) once per
/// `frm` value RNE..RMM, in that order; leaves frm = RNE.
#[macro_export]
macro_rules! each_frm {
    ($run:ident, $m:literal, $f:literal, $ops:literal, $($arg:expr),+) => {{
        let r: [$crate::Out; 5] = core::array::from_fn(|rm| {
            $crate::set_frm(rm as u64);
            $crate::$run!(concat!($m, ".", $f, " ", $ops), $($arg),+)
        });
        $crate::set_frm(0);
        r
    }};
}

/// The expected outcomes per rounding mode (RNE, RTZ, RDN, RUP, RMM), all with `flags`.
pub const fn modes(v: [u64; 5], flags: u64) -> [Out; 5] {
    [out(v[0], flags), out(v[1], flags), out(v[2], flags), out(v[3], flags), out(v[4], flags)]
}
