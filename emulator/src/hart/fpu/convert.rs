//! Conversions that round: fcvt between S/D and W/WU/L/LU in both directions,
//! and fcvt.s.d/fcvt.d.s (F and D chapters, "Floating-Point Conversion and
//! Move Instructions"). Out-of-range and NaN inputs saturate with NV as the
//! table "Domains of float-to-integer conversions" says; SoftFloat's RISC-V
//! specialization supplies those values.

use super::super::exception::Exception;
use super::super::op::Decoded;
use super::super::Hart;
use super::regs::{D, S};
use super::softfloat::{narrow, widen, Ieee, Int};

impl Hart {
    /// fcvt.{w,wu,l,lu}.{s,d}: f register to x register.
    pub(super) fn fcvt_to_int<F: Ieee>(&mut self, d: Decoded, to: Int) -> Result<(), Exception> {
        let a = self.fp_read::<F>(d.rs1);
        let v = self.round(d, |rm| F::to_int(a, to, rm))?;
        self.set_reg(d.rd, v);
        Ok(())
    }

    /// fcvt.{s,d}.{w,wu,l,lu}: x register to f register.
    pub(super) fn fcvt_from_int<F: Ieee>(&mut self, d: Decoded, from: Int) -> Result<(), Exception> {
        let x = self.reg(d.rs1);
        let v = self.round(d, |_| F::from_int(x, from))?;
        self.fp_write::<F>(d.rd, v);
        Ok(())
    }

    /// fcvt.s.d (rounds) and fcvt.d.s (exact; rm is still checked, as the F
    /// chapter requires of instructions whose result it cannot change).
    pub(super) fn fcvt_precision(&mut self, d: Decoded, to_single: bool) -> Result<(), Exception> {
        if to_single {
            let a = self.fp_read::<D>(d.rs1);
            let v = self.round(d, |_| narrow(a))?;
            self.fp_write::<S>(d.rd, v);
        } else {
            let a = self.fp_read::<S>(d.rs1);
            let v = self.round(d, |_| widen(a))?;
            self.fp_write::<D>(d.rd, v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::regs::Format;
    use super::super::softfloat::{rounded, MODES};
    use super::*;
    use sv39_arch::csr::fcsr::{NV, NX, OF, RDN, RNE, RTZ, UF};
    const NAN_S: u64 = 0x7fc0_0000;
    const INF_S: u64 = 0x7f80_0000;
    const MIN_W: u64 = 0xffff_ffff_8000_0000;

    fn to_int<F: Ieee>(a: u64, to: Int, rm: u8) -> (u64, u8) {
        rounded(rm, || F::to_int(a, to, rm))
    }

    fn from_int<F: Ieee>(x: u64, from: Int, rm: u8) -> (u64, u8) {
        rounded(rm, || F::from_int(x, from))
    }

    /// Table "Domains of float-to-integer conversions": out of range and NaN
    /// saturate with NV; WU results are sign-extended on RV64.
    #[test]
    fn saturation() {
        let cases = [
            (NAN_S, Int::W, 0x7fff_ffff),
            (INF_S, Int::W, 0x7fff_ffff),
            (INF_S | S::SIGN, Int::W, MIN_W),
            (0x4f00_0000, Int::W, 0x7fff_ffff), // 2^31
            (0xcf00_0001, Int::W, MIN_W),       // just below -2^31
            (NAN_S, Int::Wu, u64::MAX),
            (0xbf80_0000, Int::Wu, 0),        // -1.0
            (0x4f80_0000, Int::Wu, u64::MAX), // 2^32
            (0x7f80_0001, Int::L, i64::MAX as u64),
            (0x5f00_0000, Int::L, i64::MAX as u64), // 2^63
            (INF_S | S::SIGN, Int::L, i64::MIN as u64),
            (NAN_S, Int::Lu, u64::MAX),
            (0x5f80_0000, Int::Lu, u64::MAX),
            (INF_S | S::SIGN, Int::Lu, 0),
        ];
        for (a, to, want) in cases {
            assert_eq!(to_int::<S>(a, to, RNE), (want, NV), "{a:#x} {to:?}");
        }
        // In range at the edges: exact, no flags.
        assert_eq!(to_int::<S>(0xcf00_0000, Int::W, RNE), (MIN_W, 0)); // -2^31
        assert_eq!(to_int::<S>(0x4f7f_ffff, Int::Wu, RNE), (0xffff_ffff_ffff_ff00, 0));
        assert_eq!(to_int::<D>(0x41ef_ffff_ffe0_0000, Int::Wu, RNE), (u64::MAX, 0)); // 2^32 - 1
        assert_eq!(to_int::<D>(0xc3e0_0000_0000_0000, Int::L, RNE), (i64::MIN as u64, 0));
        // Negative values that round to zero are in range for WU/LU: NX, not NV.
        assert_eq!(to_int::<S>(0xbf00_0000, Int::Wu, RTZ), (0, NX)); // -0.5
        assert_eq!(to_int::<S>(0xbf00_0000, Int::Lu, RNE), (0, NX));
        assert_eq!(to_int::<S>(0xbf00_0000, Int::Lu, RDN), (0, NV)); // rounds to -1
    }

    /// ±1.5 and 2.5 to integers in every rounding mode.
    #[test]
    fn to_int_every_mode() {
        let got = |a: u64| MODES.map(|rm| to_int::<S>(a, Int::W, rm).0 as i64);
        assert_eq!(got(0x3fc0_0000), [2, 1, 1, 2, 2]); // 1.5
        assert_eq!(got(0xbfc0_0000), [-2, -1, -2, -1, -2]); // -1.5
        assert_eq!(got(0x4020_0000), [2, 2, 2, 3, 3]); // 2.5
        assert_eq!(to_int::<D>(0x4004_0000_0000_0000, Int::L, RNE), (2, NX));
        assert_eq!(to_int::<D>(0x4000_0000_0000_0000, Int::L, RNE), (2, 0));
    }

    #[test]
    fn from_int_rounds() {
        let big = 16_777_217; // 2^24 + 1
        let got = MODES.map(|rm| from_int::<S>(big, Int::W, rm));
        let (lo, hi) = (0x4b80_0000, 0x4b80_0001);
        assert_eq!(got, [(lo, NX), (lo, NX), (lo, NX), (hi, NX), (hi, NX)]);
        // W reads only the low 32 bits; WU the same bits as unsigned.
        assert_eq!(from_int::<D>(0xdead_beef_ffff_ffff, Int::W, RNE), (0xbff0_0000_0000_0000, 0));
        assert_eq!(from_int::<D>(0xdead_beef_ffff_ffff, Int::Wu, RNE), (0x41ef_ffff_ffe0_0000, 0));
        assert_eq!(from_int::<S>(u64::MAX, Int::Lu, RNE), (0x5f80_0000, NX));
        assert_eq!(from_int::<S>(u64::MAX, Int::Lu, RTZ), (0x5f7f_ffff, NX));
        assert_eq!(from_int::<D>(i64::MIN as u64, Int::L, RNE), (0xc3e0_0000_0000_0000, 0));
        assert_eq!(from_int::<D>(0, Int::L, RDN), (0, 0)); // +0, even rounding down
    }

    #[test]
    fn between_precisions() {
        let big = 0x7e37_e43c_8800_759c; // 1e300
        assert_eq!(rounded(RNE, || narrow(big)), (INF_S, OF | NX));
        assert_eq!(rounded(RTZ, || narrow(big)), (0x7f7f_ffff, OF | NX));
        assert_eq!(rounded(RNE, || narrow(0x7ff0_0000_0000_0001)), (NAN_S, NV));
        assert_eq!(rounded(RNE, || narrow(0xfff8_dead_0000_0000)), (NAN_S, 0));
        // 2^-126 (1 - 3 * 2^-26) rounds up to the smallest normal, but with an
        // unbounded exponent it would stay below it: tiny after rounding, UF.
        assert_eq!(rounded(RNE, || narrow(0x380f_ffff_e800_0000)), (0x0080_0000, UF | NX));
        assert_eq!(rounded(RTZ, || narrow(0x380f_ffff_e800_0000)), (0x007f_ffff, UF | NX));
        assert_eq!(rounded(RNE, || widen(0x7f80_0001)), (D::CANONICAL_NAN, NV));
        assert_eq!(rounded(RNE, || widen(0xffc0_1234)), (D::CANONICAL_NAN, 0));
        assert_eq!(rounded(RNE, || widen(0x0000_0001)), (0x36a0_0000_0000_0000, 0));
        // 2^-149 exactly
    }
}
