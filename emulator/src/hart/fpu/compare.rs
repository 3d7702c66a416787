//! Instructions that compare without rounding, done on the host: feq, flt,
//! fle (F chapter, "Single-Precision Floating-Point Compare Instructions")
//! and fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber). Comparing two
//! finite or infinite values is exact on any IEEE host; NaNs and signed zeros
//! are decided here before the host sees them.

use super::super::op::Decoded;
use super::super::Hart;
use super::regs::{Format, D, S};
use sv39_arch::csr::fcsr;

/// Host comparisons of two non-NaN values of a format.
pub(super) trait Ordered: Format {
    fn lt(a: u64, b: u64) -> bool;
    fn le(a: u64, b: u64) -> bool;
}

impl Ordered for S {
    fn lt(a: u64, b: u64) -> bool {
        f32::from_bits(a as u32) < f32::from_bits(b as u32)
    }
    fn le(a: u64, b: u64) -> bool {
        f32::from_bits(a as u32) <= f32::from_bits(b as u32)
    }
}

impl Ordered for D {
    fn lt(a: u64, b: u64) -> bool {
        f64::from_bits(a) < f64::from_bits(b)
    }
    fn le(a: u64, b: u64) -> bool {
        f64::from_bits(a) <= f64::from_bits(b)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Compare {
    Eq,
    Lt,
    Le,
}

/// feq/flt/fle: the result (0 or 1) and flags. feq is a quiet comparison (NV
/// only for a signaling NaN); flt and fle signal NV for any NaN. A NaN
/// operand compares false.
pub(super) fn compare<F: Ordered>(a: u64, b: u64, how: Compare) -> (u64, u8) {
    let nan = F::is_nan(a) || F::is_nan(b);
    let signaling = F::is_snan(a) || F::is_snan(b) || (nan && how != Compare::Eq);
    let flags = if signaling { fcsr::NV } else { 0 };
    let result = !nan
        && match how {
            // -0 == +0, and equal bits otherwise.
            Compare::Eq => a == b || (F::is_zero(a) && F::is_zero(b)),
            Compare::Lt => F::lt(a, b),
            Compare::Le => F::le(a, b),
        };
    (result as u64, flags)
}

/// fmin (`max` false) or fmax: -0 is less than +0; with one NaN operand the
/// other is the result; with two, the canonical NaN. A signaling NaN sets NV
/// even when the result is a number.
pub(super) fn min_max<F: Ordered>(a: u64, b: u64, max: bool) -> (u64, u8) {
    let flags = if F::is_snan(a) || F::is_snan(b) { fcsr::NV } else { 0 };
    let less =
        |x: u64, y: u64| F::lt(x, y) || (F::is_zero(x) && F::is_zero(y) && F::is_negative(x) && !F::is_negative(y));
    let result = match (F::is_nan(a), F::is_nan(b)) {
        (true, true) => F::CANONICAL_NAN,
        (true, false) => b,
        (false, true) => a,
        _ if (max && less(a, b)) || (!max && less(b, a)) => b,
        _ => a,
    };
    (result, flags)
}

impl Hart {
    /// feq/flt/fle.
    pub(super) fn fp_compare<F: Ordered>(&mut self, d: Decoded, how: Compare) {
        let (a, b) = (self.fp_read::<F>(d.rs1), self.fp_read::<F>(d.rs2));
        let (v, flags) = compare::<F>(a, b, how);
        self.set_reg(d.rd, v);
        self.accrue(flags);
    }

    /// fmin/fmax.
    pub(super) fn fp_min_max<F: Ordered>(&mut self, d: Decoded, max: bool) {
        let (a, b) = (self.fp_read::<F>(d.rs1), self.fp_read::<F>(d.rs2));
        let (v, flags) = min_max::<F>(a, b, max);
        self.fp_write::<F>(d.rd, v);
        self.accrue(flags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sv39_arch::csr::fcsr::NV;

    const ONE: u64 = 0x3f80_0000;
    const QNAN: u64 = 0x7fc0_0000;
    const SNAN: u64 = 0x7f80_0001;
    const NEG_ZERO: u64 = 0x8000_0000;

    #[test]
    fn quiet_and_signaling_compares() {
        assert_eq!(compare::<S>(NEG_ZERO, 0, Compare::Eq), (1, 0));
        assert_eq!(compare::<S>(NEG_ZERO, 0, Compare::Lt), (0, 0));
        assert_eq!(compare::<S>(NEG_ZERO, 0, Compare::Le), (1, 0));
        assert_eq!(compare::<S>(ONE, ONE, Compare::Eq), (1, 0));
        assert_eq!(compare::<S>(0xff80_0000, ONE, Compare::Lt), (1, 0)); // -inf < 1

        // feq is quiet: NV only for signaling NaNs; flt/fle signal on any NaN.
        assert_eq!(compare::<S>(QNAN, QNAN, Compare::Eq), (0, 0));
        assert_eq!(compare::<S>(SNAN, ONE, Compare::Eq), (0, NV));
        assert_eq!(compare::<S>(QNAN, ONE, Compare::Lt), (0, NV));
        assert_eq!(compare::<S>(ONE, QNAN, Compare::Le), (0, NV));
        assert_eq!(compare::<D>(0x7ff8_0000_0000_0000, 0, Compare::Eq), (0, 0));
        assert_eq!(compare::<D>(1, 2, Compare::Lt), (1, 0)); // subnormals
    }

    /// minimumNumber/maximumNumber: -0 < +0, NaN operands ignored, sNaN signals.
    #[test]
    fn min_and_max() {
        assert_eq!(min_max::<S>(0, NEG_ZERO, false), (NEG_ZERO, 0));
        assert_eq!(min_max::<S>(NEG_ZERO, 0, false), (NEG_ZERO, 0));
        assert_eq!(min_max::<S>(0, NEG_ZERO, true), (0, 0));
        assert_eq!(min_max::<S>(NEG_ZERO, 0, true), (0, 0));
        assert_eq!(min_max::<S>(ONE, 0xc000_0000, false), (0xc000_0000, 0));
        assert_eq!(min_max::<S>(ONE, 0xc000_0000, true), (ONE, 0));
        assert_eq!(min_max::<S>(QNAN, ONE, false), (ONE, 0));
        assert_eq!(min_max::<S>(ONE, SNAN, true), (ONE, NV));
        assert_eq!(min_max::<S>(0xffc0_0001, SNAN, true), (QNAN, NV));
        assert_eq!(min_max::<S>(0xffc0_0001, 0x7fc0_0002, false), (QNAN, 0));
        assert_eq!(min_max::<D>(0xfff0_0000_0000_0000, 0x7ff0_0000_0000_0000, true), (0x7ff0_0000_0000_0000, 0));
    }
}
