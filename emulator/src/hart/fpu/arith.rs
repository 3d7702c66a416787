//! Computational instructions that round: fadd, fsub, fmul, fdiv, fsqrt and
//! the fused multiply-adds (F chapter, "Single-Precision Floating-Point
//! Computational Instructions"; the same for D).

use super::super::exception::Exception;
use super::super::op::Decoded;
use super::super::Hart;
use super::softfloat::Ieee;

/// Which of the fused multiply-adds: fmadd computes (a × b) + c; fmsub
/// (a × b) − c; fnmsub −(a × b) + c; fnmadd −(a × b) − c.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fused {
    pub negate_product: bool,
    pub negate_addend: bool,
}

pub(super) const FMADD: Fused = Fused { negate_product: false, negate_addend: false };
pub(super) const FMSUB: Fused = Fused { negate_product: false, negate_addend: true };
pub(super) const FNMSUB: Fused = Fused { negate_product: true, negate_addend: false };
pub(super) const FNMADD: Fused = Fused { negate_product: true, negate_addend: true };

/// The fused multiply-add `how` on operands a, b, c: the negations are sign
/// flips of the inputs (as SoftFloat's callers in Spike do), so -(a × b) − c
/// with an exact zero sum keeps the sign rules of (−a × b) + (−c), which is
/// what the instruction names. Inf × 0 raises NV even when c is a quiet NaN.
pub(super) fn fused<F: Ieee>(a: u64, b: u64, c: u64, how: Fused) -> u64 {
    let a = if how.negate_product { a ^ F::SIGN } else { a };
    let c = if how.negate_addend { c ^ F::SIGN } else { c };
    F::mul_add(a, b, c)
}

impl Hart {
    /// fadd/fsub/fmul/fdiv: `op` on rs1 and rs2.
    pub(super) fn fp_binary<F: Ieee>(&mut self, d: Decoded, op: fn(u64, u64) -> u64) -> Result<(), Exception> {
        let (a, b) = (self.fp_read::<F>(d.rs1), self.fp_read::<F>(d.rs2));
        let v = self.round(d, |_| op(a, b))?;
        self.fp_write::<F>(d.rd, v);
        Ok(())
    }

    /// fsqrt.
    pub(super) fn fp_sqrt<F: Ieee>(&mut self, d: Decoded) -> Result<(), Exception> {
        let a = self.fp_read::<F>(d.rs1);
        let v = self.round(d, |_| F::sqrt(a))?;
        self.fp_write::<F>(d.rd, v);
        Ok(())
    }

    /// fmadd/fmsub/fnmsub/fnmadd (R4 format).
    pub(super) fn fp_fused<F: Ieee>(&mut self, d: Decoded, how: Fused) -> Result<(), Exception> {
        let (a, b, c) = (self.fp_read::<F>(d.rs1), self.fp_read::<F>(d.rs2), self.fp_read::<F>(d.rs3()));
        let v = self.round(d, |_| fused::<F>(a, b, c, how))?;
        self.fp_write::<F>(d.rd, v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::regs::{Format, D, S};
    use super::super::softfloat::{rounded, MODES};
    use super::*;
    use sv39_arch::csr::fcsr::{DZ, NV, NX, OF, RDN, RNE, RTZ, RUP, UF};
    const ONE_S: u64 = 0x3f80_0000;
    const THREE_S: u64 = 0x4040_0000;
    const MAX_S: u64 = 0x7f7f_ffff;
    const INF_S: u64 = 0x7f80_0000;
    const QNAN_S: u64 = 0x7fc0_0000;

    /// Results of `op` in RNE, RTZ, RDN, RUP, RMM, each with its flags.
    fn in_every_mode(op: impl Fn() -> u64) -> [(u64, u8); 5] {
        MODES.map(|rm| rounded(rm, &op))
    }

    /// ±1/3 rounds differently per mode (not a tie: RMM agrees with RNE).
    #[test]
    fn every_rounding_mode_on_one_third() {
        let third = in_every_mode(|| S::div(ONE_S, THREE_S));
        let (lo, hi) = (0x3eaa_aaaa, 0x3eaa_aaab);
        assert_eq!(third, [(hi, NX), (lo, NX), (lo, NX), (hi, NX), (hi, NX)]);
        let minus = in_every_mode(|| S::div(ONE_S | S::SIGN, THREE_S));
        let (lo, hi) = (0xbeaa_aaaa, 0xbeaa_aaab);
        assert_eq!(minus, [(hi, NX), (lo, NX), (hi, NX), (lo, NX), (hi, NX)]);
    }

    /// 1 + 2^-24 (single) and 1 + 2^-53 (double) are ties: RNE goes to even,
    /// RMM away from zero.
    #[test]
    fn every_rounding_mode_on_a_tie() {
        let s = in_every_mode(|| S::add(ONE_S, 0x3380_0000));
        assert_eq!(s, [(ONE_S, NX), (ONE_S, NX), (ONE_S, NX), (ONE_S + 1, NX), (ONE_S + 1, NX)]);
        let one = 0x3ff0_0000_0000_0000;
        let d = in_every_mode(|| D::add(one, 0x3ca0_0000_0000_0000));
        assert_eq!(d, [(one, NX), (one, NX), (one, NX), (one + 1, NX), (one + 1, NX)]);
        // A negative tie: -(1 + 2^-24).
        let n = in_every_mode(|| S::sub(ONE_S | S::SIGN, 0x3380_0000));
        let (m1, m1up) = (0xbf80_0000, 0xbf80_0001);
        assert_eq!(n, [(m1, NX), (m1, NX), (m1up, NX), (m1, NX), (m1up, NX)]);
    }

    /// Overflow gives infinity or the largest finite number by mode and sign.
    #[test]
    fn overflow_by_mode() {
        let up = in_every_mode(|| S::mul(MAX_S, 0x4000_0000));
        let f = OF | NX;
        assert_eq!(up, [(INF_S, f), (MAX_S, f), (MAX_S, f), (INF_S, f), (INF_S, f)]);
        let down = in_every_mode(|| S::mul(MAX_S | S::SIGN, 0x4000_0000));
        let (ninf, nmax) = (INF_S | S::SIGN, MAX_S | S::SIGN);
        assert_eq!(down, [(ninf, f), (nmax, f), (ninf, f), (nmax, f), (ninf, f)]);
    }

    /// "Subnormal Arithmetic": tininess is detected after rounding.
    #[test]
    fn underflow_after_rounding() {
        // 0x007fffff × (1 + 2^-23) = 2^-126 (1 - 2^-46): rounds to the smallest
        // normal even with an unbounded exponent, so it is not tiny: NX only.
        assert_eq!(rounded(RNE, || S::mul(0x007f_ffff, 0x3f80_0001)), (0x0080_0000, NX));
        // An exact subnormal result raises nothing; an inexact one UF and NX.
        assert_eq!(rounded(RNE, || S::mul(0x0000_0002, 0x3f00_0000)), (0x0000_0001, 0));
        assert_eq!(rounded(RNE, || S::mul(0x0000_0001, 0x3f00_0000)), (0, UF | NX));
        assert_eq!(rounded(RUP, || S::mul(0x0000_0001, 0x3f00_0000)), (1, UF | NX));
    }

    #[test]
    fn invalid_and_divide_by_zero() {
        assert_eq!(rounded(RNE, || S::div(ONE_S, 0)), (INF_S, DZ));
        assert_eq!(rounded(RNE, || S::div(ONE_S | S::SIGN, 0)), (INF_S | S::SIGN, DZ));
        assert_eq!(rounded(RNE, || S::div(0, 0)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || S::sub(INF_S, INF_S)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || S::sqrt(ONE_S | S::SIGN)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || S::sqrt(S::SIGN)), (S::SIGN, 0)); // sqrt(-0) = -0
        assert_eq!(rounded(RNE, || D::sqrt(0x4000_0000_0000_0000)), (0x3ff6_a09e_667f_3bcd, NX));
        assert_eq!(rounded(RUP, || D::sqrt(0x4000_0000_0000_0000)), (0x3ff6_a09e_667f_3bcd, NX));
        assert_eq!(rounded(RTZ, || D::sqrt(0x4000_0000_0000_0000)), (0x3ff6_a09e_667f_3bcc, NX));
    }

    /// "NaN Generation and Propagation": NaN results are canonical whatever
    /// the payloads; only a signaling input raises NV.
    #[test]
    fn canonical_nan() {
        assert_eq!(rounded(RNE, || S::add(0xffc1_2345, ONE_S)), (QNAN_S, 0));
        assert_eq!(rounded(RNE, || S::add(ONE_S, 0x7f80_0001)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || D::mul(0xfff8_0000_dead_beef, 0)), (D::CANONICAL_NAN, 0));
        assert_eq!(rounded(RNE, || D::div(0x7ff0_0000_0000_0001, 0)), (D::CANONICAL_NAN, NV));
    }

    /// One rounding: (1 + 2^-23)^2 - (1 + 2^-22) = 2^-46 exactly, where a
    /// rounded product would give 0.
    #[test]
    fn fused_single_rounding() {
        let (a, c) = (0x3f80_0001, 0xbf80_0002);
        assert_eq!(rounded(RNE, || fused::<S>(a, a, c, FMADD)), (0x2880_0000, 0));
        assert_eq!(rounded(RNE, || S::add(S::mul(a, a), c)), (0, NX)); // rounded twice
        assert_eq!(rounded(RNE, || fused::<S>(a, a, c ^ S::SIGN, FMSUB)), (0x2880_0000, 0));
        assert_eq!(rounded(RNE, || fused::<S>(a, a, c, FNMADD)), (0xa880_0000, 0));
    }

    /// fnmadd is (-a × b) - c and fnmsub (-a × b) + c: an exact zero sum is
    /// +0 except in RDN, never the negation of fmadd's +0.
    #[test]
    fn fused_signed_zeros() {
        let m1 = ONE_S | S::SIGN;
        assert_eq!(rounded(RNE, || fused::<S>(ONE_S, ONE_S, m1, FNMADD)), (0, 0));
        assert_eq!(rounded(RDN, || fused::<S>(ONE_S, ONE_S, m1, FNMADD)), (S::SIGN, 0));
        assert_eq!(rounded(RNE, || fused::<S>(ONE_S, ONE_S, ONE_S, FNMSUB)), (0, 0));
        assert_eq!(rounded(RNE, || fused::<S>(ONE_S, ONE_S, ONE_S, FMSUB)), (0, 0));
        assert_eq!(rounded(RDN, || fused::<S>(ONE_S, ONE_S, ONE_S, FMSUB)), (S::SIGN, 0));
        // -(0 × 1) - 0 = -0 + -0 = -0 in every mode.
        assert_eq!(rounded(RNE, || fused::<S>(0, ONE_S, 0, FNMADD)), (S::SIGN, 0));
    }

    /// The fused multiply-adds raise NV for ∞ × 0 even when the addend is a quiet NaN.
    #[test]
    fn fused_invalid() {
        assert_eq!(rounded(RNE, || fused::<S>(INF_S, 0, QNAN_S, FMADD)), (QNAN_S, NV));
        assert_eq!(
            rounded(RNE, || fused::<D>(0, 0xfff0_0000_0000_0000, D::CANONICAL_NAN, FNMSUB)),
            (D::CANONICAL_NAN, NV)
        );
        assert_eq!(rounded(RNE, || fused::<S>(ONE_S, ONE_S, 0x7f80_0001, FMADD)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || fused::<S>(INF_S, ONE_S, INF_S | S::SIGN, FMADD)), (QNAN_S, NV));
        assert_eq!(rounded(RNE, || fused::<S>(ONE_S, 0xffc0_0000, ONE_S, FMADD)), (QNAN_S, 0));
    }
}
