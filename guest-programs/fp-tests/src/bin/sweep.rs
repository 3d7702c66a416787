//! A differential sweep: every rounding F/D instruction in every static
//! rounding mode, and every other F/D instruction, on a few hundred operands
//! drawn from the edge cases (signed zeros, subnormals, the largest values,
//! infinities, NaNs with payloads, improperly boxed singles) and from random
//! bit patterns, by a fixed pseudo-random sequence. It prints one digest of
//! all results and flags per instruction; the host test requires sv39 and
//! QEMU 7.2 to print the same lines. Here it checks what holds for any input:
//! NaN results of arithmetic are canonical and single results NaN-boxed.
#![no_std]
#![no_main]

use fp_tests::*;

/// Operands per instruction.
const N: u32 = 1000;

/// The operand source: a chain of [`mix`] steps from a seed per instruction,
/// the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = mix(self.0, 0x9e37_79b9_7f4a_7c15);
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The width of the values an instruction reads from f registers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    S,
    D,
}

/// The edge cases of a format, from its module of named values.
macro_rules! specials {
    ($v:ident) => {{
        use $v::*;
        [
            ZERO,
            NEG_ZERO,
            ONE,
            NEG_ONE,
            INF,
            NEG_INF,
            MAX,
            NEG_MAX,
            MIN_NORMAL,
            MAX_SUBNORMAL,
            NEG_MIN_SUBNORMAL,
            QNAN,
            NEG_QNAN_PAYLOAD,
            SNAN,
            NEG_SNAN_PAYLOAD,
            ONE_PLUS_ULP,
        ]
    }};
}

const SPECIAL_S: [u64; 16] = specials!(sp);
const SPECIAL_D: [u64; 16] = specials!(dp);

/// An operand of format `fmt` as a register holds it.
fn operand(rng: &mut Rng, fmt: Fmt) -> u64 {
    let (frac_bits, exp_bits) = if fmt == Fmt::S { (23, 8) } else { (52, 11) };
    let bias = (1u64 << (exp_bits - 1)) - 1;
    let frac = rng.next() & ((1 << frac_bits) - 1);
    let sign = rng.below(2) << (frac_bits + exp_bits);
    let exp = match rng.below(8) {
        0..=2 => {
            let special = if fmt == Fmt::S { &SPECIAL_S } else { &SPECIAL_D };
            return special[rng.below(16) as usize];
        }
        3 => 0,                                                                        // subnormal
        4 => (1 << exp_bits) - 2,                                                      // the largest binade
        5 => bias - 1 + rng.below(3),                                                  // near 1
        6 => return if fmt == Fmt::S { rng.next() & 0xffff_ffff } else { rng.next() }, // any bits (S: unboxed)
        _ => bias - 40 + rng.below(80),                                                // ordinary magnitudes
    };
    let v = sign | exp << frac_bits | frac;
    if fmt == Fmt::S {
        s(v as u32)
    } else {
        v
    }
}

/// An integer operand: small, at the 32- and 64-bit edges, or any bits.
fn integer(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 8] = [0, 1, u64::MAX, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 1 << 63, (1 << 63) - 1];
    match rng.below(4) {
        0 => EDGES[rng.below(8) as usize],
        1 => rng.below(1 << 30).wrapping_sub(1 << 29),
        _ => rng.next() >> rng.below(64),
    }
}

/// What is checked of each result besides the digest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Result {
    /// An arithmetic result in ft3 of this format: NaNs canonical, S boxed.
    Float(Fmt),
    /// Sign injection or a move: any bits.
    Bits,
}

/// Runs `run` on N operand sets and prints `name` with the digest of all
/// outputs; fails when a result breaks `result`'s rule.
fn sweep(name: &str, fmt: Fmt, result: Result, run: impl Fn(u64, u64, u64, u64) -> (u64, u64, u64)) -> Checks {
    let mut digest = 0xcbf2_9ce4_8422_2325u64;
    let mut rng = Rng(name.bytes().fold(digest, |h, b| mix(h, b as u64)));
    for _ in 0..N {
        let (a, b, c, x) = (operand(&mut rng, fmt), operand(&mut rng, fmt), operand(&mut rng, fmt), integer(&mut rng));
        let (f, y, flags) = run(a, b, c, x);
        digest = [f, y, flags].into_iter().fold(digest, mix);
        let ok = match result {
            Result::Float(Fmt::S) => f >> 32 == 0xffff_ffff && (!is_nan(f, 23, 8) || f as u32 == 0x7fc0_0000),
            Result::Float(Fmt::D) => !is_nan(f, 52, 11) || f == dp::QNAN,
            Result::Bits => true,
        };
        check!(1, ok && flags < 32, "{name}({a:#x}, {b:#x}, {c:#x}, {x:#x}) = {f:#x} flags {flags:#x}");
    }
    bare::println!("{name} {digest:016x}");
    Ok(())
}

/// One step of the digest (FNV-1a on words, rotated).
fn mix(h: u64, word: u64) -> u64 {
    (h ^ word).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29)
}

fn is_nan(v: u64, frac_bits: u32, exp_bits: u32) -> bool {
    let exp = v >> frac_bits & ((1 << exp_bits) - 1);
    exp == (1 << exp_bits) - 1 && v & ((1 << frac_bits) - 1) != 0
}

/// Sweeps `$insn` in every static rounding mode.
macro_rules! modes {
    ($m:literal, $f:literal, $ops:literal, $fmt:expr, $result:expr) => {{
        sweep(concat!($m, ".", $f, " rne"), $fmt, $result, |a, b, c, x| {
            fp_run!(concat!($m, ".", $f, " ", $ops, ", rne"), a, b, c, x)
        })?;
        sweep(concat!($m, ".", $f, " rtz"), $fmt, $result, |a, b, c, x| {
            fp_run!(concat!($m, ".", $f, " ", $ops, ", rtz"), a, b, c, x)
        })?;
        sweep(concat!($m, ".", $f, " rdn"), $fmt, $result, |a, b, c, x| {
            fp_run!(concat!($m, ".", $f, " ", $ops, ", rdn"), a, b, c, x)
        })?;
        sweep(concat!($m, ".", $f, " rup"), $fmt, $result, |a, b, c, x| {
            fp_run!(concat!($m, ".", $f, " ", $ops, ", rup"), a, b, c, x)
        })?;
        sweep(concat!($m, ".", $f, " rmm"), $fmt, $result, |a, b, c, x| {
            fp_run!(concat!($m, ".", $f, " ", $ops, ", rmm"), a, b, c, x)
        })?;
    }};
}

/// Sweeps `$insn` once (no rounding mode).
macro_rules! once {
    ($m:literal, $f:literal, $ops:literal, $fmt:expr, $result:expr) => {
        sweep(concat!($m, ".", $f), $fmt, $result, |a, b, c, x| fp_run!(concat!($m, ".", $f, " ", $ops), a, b, c, x))?
    };
}

/// Every instruction of one format; `$fmt` is Fmt::S or Fmt::D.
macro_rules! every_instruction {
    ($f:literal, $fmt:expr, $cvt:literal) => {{
        let r = Result::Float($fmt);
        modes!("fadd", $f, "ft3, ft0, ft1", $fmt, r);
        modes!("fsub", $f, "ft3, ft0, ft1", $fmt, r);
        modes!("fmul", $f, "ft3, ft0, ft1", $fmt, r);
        modes!("fdiv", $f, "ft3, ft0, ft1", $fmt, r);
        modes!("fsqrt", $f, "ft3, ft0", $fmt, r);
        modes!("fmadd", $f, "ft3, ft0, ft1, ft2", $fmt, r);
        modes!("fmsub", $f, "ft3, ft0, ft1, ft2", $fmt, r);
        modes!("fnmsub", $f, "ft3, ft0, ft1, ft2", $fmt, r);
        modes!("fnmadd", $f, "ft3, ft0, ft1, ft2", $fmt, r);
        once!("fmin", $f, "ft3, ft0, ft1", $fmt, r);
        once!("fmax", $f, "ft3, ft0, ft1", $fmt, r);
        once!("fsgnj", $f, "ft3, ft0, ft1", $fmt, Result::Bits);
        once!("fsgnjn", $f, "ft3, ft0, ft1", $fmt, Result::Bits);
        once!("fsgnjx", $f, "ft3, ft0, ft1", $fmt, Result::Bits);
        once!("feq", $f, "t6, ft0, ft1", $fmt, Result::Bits);
        once!("flt", $f, "t6, ft0, ft1", $fmt, Result::Bits);
        once!("fle", $f, "t6, ft0, ft1", $fmt, Result::Bits);
        once!("fclass", $f, "t6, ft0", $fmt, Result::Bits);
        modes!("fcvt.w", $f, "t6, ft0", $fmt, Result::Bits);
        modes!("fcvt.wu", $f, "t6, ft0", $fmt, Result::Bits);
        modes!("fcvt.l", $f, "t6, ft0", $fmt, Result::Bits);
        modes!("fcvt.lu", $f, "t6, ft0", $fmt, Result::Bits);
        modes!($cvt, "w", "ft3, t5", $fmt, r);
        modes!($cvt, "wu", "ft3, t5", $fmt, r);
        modes!($cvt, "l", "ft3, t5", $fmt, r);
        modes!($cvt, "lu", "ft3, t5", $fmt, r);
    }};
}

fn body() -> Checks {
    fp_on();
    every_instruction!("s", Fmt::S, "fcvt.s");
    every_instruction!("d", Fmt::D, "fcvt.d");
    modes!("fcvt.s", "d", "ft3, ft0", Fmt::D, Result::Float(Fmt::S));
    once!("fcvt.d", "s", "ft3, ft0", Fmt::S, Result::Float(Fmt::D));
    once!("fmv.x", "w", "t6, ft0", Fmt::S, Result::Bits);
    once!("fmv.x", "d", "t6, ft0", Fmt::D, Result::Bits);
    once!("fmv.w", "x", "ft3, t5", Fmt::S, Result::Bits);
    once!("fmv.d", "x", "ft3, t5", Fmt::D, Result::Bits);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
