//! The f registers and what moves bits in and out of them unchanged: the two
//! formats' bit layouts, NaN-boxing, loads and stores, fmv, sign injection and
//! fclass (F chapter, "NaN Boxing of Narrower Values" in the D chapter).
//!
//! Registers are 64 bits (FLEN = 64). A single-precision value lives in the
//! low 32 bits with the upper 32 bits all ones; an operand that is not boxed
//! that way reads as the canonical NaN. Transfers (flw/fsw, fmv.x.w/fmv.w.x)
//! move the low bits and ignore the boxing.

use super::super::exception::Exception;
use super::super::op::Decoded;
use super::super::Hart;
use crate::bus::Bus;
use crate::mmu::Word;

/// A binary format of the F and D extensions, on raw bits in a u64.
pub(super) trait Format {
    /// The memory word of one value (u32 or u64).
    type Word: Word;
    /// Total width and fraction width in bits.
    const BITS: u32;
    const FRAC_BITS: u32;
    const SIGN: u64 = 1 << (Self::BITS - 1);
    const FRAC: u64 = (1 << Self::FRAC_BITS) - 1;
    const EXP: u64 = (Self::SIGN - 1) & !Self::FRAC;
    /// The most significant fraction bit: set in a quiet NaN.
    const QUIET: u64 = 1 << (Self::FRAC_BITS - 1);
    /// "NaN Generation and Propagation": positive, only the quiet bit set.
    const CANONICAL_NAN: u64 = Self::EXP | Self::QUIET;

    /// The register value that holds `v`.
    fn nan_box(v: u64) -> u64;
    /// The operand a register holds: its value, or the canonical NaN when a
    /// narrower value is not properly NaN-boxed.
    fn unbox(reg: u64) -> u64;

    fn is_nan(v: u64) -> bool {
        v & Self::EXP == Self::EXP && v & Self::FRAC != 0
    }

    fn is_snan(v: u64) -> bool {
        Self::is_nan(v) && v & Self::QUIET == 0
    }

    fn is_zero(v: u64) -> bool {
        v & !Self::SIGN == 0
    }

    fn is_negative(v: u64) -> bool {
        v & Self::SIGN != 0
    }
}

/// Single precision (F).
pub(super) enum S {}
/// Double precision (D).
pub(super) enum D {}

const BOX: u64 = 0xffff_ffff_0000_0000;

impl Format for S {
    type Word = u32;
    const BITS: u32 = 32;
    const FRAC_BITS: u32 = 23;

    fn nan_box(v: u64) -> u64 {
        BOX | v & 0xffff_ffff
    }

    fn unbox(reg: u64) -> u64 {
        if reg & BOX == BOX {
            reg & 0xffff_ffff
        } else {
            Self::CANONICAL_NAN
        }
    }
}

impl Format for D {
    type Word = u64;
    const BITS: u32 = 64;
    const FRAC_BITS: u32 = 52;

    fn nan_box(v: u64) -> u64 {
        v
    }

    fn unbox(reg: u64) -> u64 {
        reg
    }
}

/// The sign-injection instructions: the sign of the result comes from rs2
/// (fsgnj), its complement (fsgnjn) or the xor of both signs (fsgnjx).
#[derive(Clone, Copy, Debug)]
pub(super) enum Sign {
    Copy,
    Negate,
    Xor,
}

/// fsgnj/fsgnjn/fsgnjx on two operands.
pub(super) fn inject_sign<F: Format>(a: u64, b: u64, how: Sign) -> u64 {
    let sign = match how {
        Sign::Copy => b,
        Sign::Negate => !b,
        Sign::Xor => a ^ b,
    } & F::SIGN;
    a & !F::SIGN | sign
}

/// fclass: one bit set, by class ("Floating-Point Classify Instruction"):
/// 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal, 6 +normal,
/// 7 +inf, 8 signaling NaN, 9 quiet NaN.
pub(super) fn classify<F: Format>(v: u64) -> u64 {
    let bit = if F::is_nan(v) {
        if F::is_snan(v) {
            8
        } else {
            9
        }
    } else {
        let (exp, frac) = (v & F::EXP, v & F::FRAC);
        // -inf, -normal, -subnormal, -0; the positive classes mirror them.
        let k = if exp == F::EXP {
            0
        } else if exp != 0 {
            1
        } else if frac != 0 {
            2
        } else {
            3
        };
        if F::is_negative(v) {
            k
        } else {
            7 - k
        }
    };
    1 << bit
}

impl Hart {
    /// The operand in f register `r`, in format `F`.
    pub(super) fn fp_read<F: Format>(&self, r: u8) -> u64 {
        F::unbox(self.fp.f[(r & 31) as usize])
    }

    /// Writes `v` (format `F`) to f register `r`: the FP state is now Dirty.
    pub(super) fn fp_write<F: Format>(&mut self, r: u8, v: u64) {
        self.fp.f[(r & 31) as usize] = F::nan_box(v);
        self.mark_fs_dirty();
    }

    /// flw/fld (and c.fld, c.fldsp): the bits are loaded unchanged.
    pub(super) fn fp_load<F: Format>(&mut self, bus: &mut Bus, d: Decoded) -> Result<(), Exception> {
        let addr = self.reg(d.rs1).wrapping_add(d.imm as i64 as u64);
        let v = self.load::<F::Word>(bus, addr)?;
        self.fp_write::<F>(d.rd, v.to_u64());
        Ok(())
    }

    /// fsw/fsd (and c.fsd, c.fsdsp): the low bits of the register, boxed or not.
    pub(super) fn fp_store<F: Format>(&mut self, bus: &mut Bus, d: Decoded) -> Result<(), Exception> {
        let addr = self.reg(d.rs1).wrapping_add(d.imm as i64 as u64);
        let v = F::Word::from_u64(self.fp.f[(d.rs2 & 31) as usize]);
        self.store::<F::Word>(bus, addr, v)
    }

    /// fmv.x.w/fmv.x.d: the low bits of the register, sign-extended to XLEN.
    pub(super) fn fp_move_to_x<F: Format>(&mut self, d: Decoded) {
        let v = self.fp.f[(d.rs1 & 31) as usize];
        let shift = 64 - F::BITS;
        self.set_reg(d.rd, ((v << shift) as i64 >> shift) as u64);
    }

    /// fmv.w.x/fmv.d.x: the low bits of the x register, NaN-boxed.
    pub(super) fn fp_move_from_x<F: Format>(&mut self, d: Decoded) {
        let v = self.reg(d.rs1);
        self.fp_write::<F>(d.rd, v & (u64::MAX >> (64 - F::BITS)));
    }

    /// fsgnj/fsgnjn/fsgnjx.
    pub(super) fn fp_sign<F: Format>(&mut self, d: Decoded, how: Sign) {
        let (a, b) = (self.fp_read::<F>(d.rs1), self.fp_read::<F>(d.rs2));
        self.fp_write::<F>(d.rd, inject_sign::<F>(a, b, how));
    }

    /// fclass.s/fclass.d.
    pub(super) fn fp_class<F: Format>(&mut self, d: Decoded) {
        let v = self.fp_read::<F>(d.rs1);
        self.set_reg(d.rd, classify::<F>(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_constants() {
        assert_eq!((S::SIGN, S::EXP, S::FRAC), (0x8000_0000, 0x7f80_0000, 0x007f_ffff));
        assert_eq!(S::CANONICAL_NAN, 0x7fc0_0000);
        assert_eq!(D::EXP, 0x7ff0_0000_0000_0000);
        assert_eq!(D::CANONICAL_NAN, 0x7ff8_0000_0000_0000);
    }

    /// Only an all-ones upper half boxes a single; anything else is the canonical NaN.
    #[test]
    fn nan_boxing() {
        assert_eq!(S::nan_box(0x3f80_0000), 0xffff_ffff_3f80_0000);
        assert_eq!(S::nan_box(0xdead_beef_3f80_0000), 0xffff_ffff_3f80_0000);
        assert_eq!(S::unbox(0xffff_ffff_3f80_0000), 0x3f80_0000);
        assert_eq!(S::unbox(0xffff_ffff_7f80_0001), 0x7f80_0001); // sNaN payload kept
        assert_eq!(S::unbox(0x0000_0000_3f80_0000), 0x7fc0_0000);
        assert_eq!(S::unbox(0xffff_fffe_3f80_0000), 0x7fc0_0000);
        assert_eq!(S::unbox(0x3ff0_0000_0000_0000), 0x7fc0_0000); // a double: 1.0
        assert_eq!(D::unbox(0xffff_ffff_3f80_0000), 0xffff_ffff_3f80_0000);
    }

    #[test]
    fn nan_kinds() {
        assert!(S::is_snan(0x7f80_0001) && S::is_snan(0xffbf_ffff));
        assert!(!S::is_snan(0x7fc0_0000) && S::is_nan(0x7fc0_0000));
        assert!(!S::is_nan(0x7f80_0000) && !S::is_nan(0xff80_0000));
        assert!(D::is_snan(0x7ff0_0000_0000_0001) && !D::is_snan(0x7ff8_0000_0000_0000));
        assert!(S::is_zero(0x8000_0000) && S::is_negative(0x8000_0000) && !S::is_zero(0x1));
    }

    /// fclass.s and fclass.d: one case per class.
    #[test]
    fn classes() {
        let s = [
            (0xff80_0000, 0),
            (0xbf80_0000, 1),
            (0x8000_0001, 2),
            (0x8000_0000, 3),
            (0x0000_0000, 4),
            (0x007f_ffff, 5),
            (0x7f7f_ffff, 6),
            (0x7f80_0000, 7),
            (0x7f80_0001, 8),
            (0xffc0_0000, 9),
        ];
        for (v, bit) in s {
            assert_eq!(classify::<S>(v), 1 << bit, "{v:#x}");
        }
        let d = [
            (0xfff0_0000_0000_0000, 0),
            (0xc000_0000_0000_0000, 1),
            (0x800f_ffff_ffff_ffff, 2),
            (0x8000_0000_0000_0000, 3),
            (0, 4),
            (1, 5),
            (0x0010_0000_0000_0000, 6),
            (0x7ff0_0000_0000_0000, 7),
            (0x7ff4_0000_0000_0000, 8),
            (0x7ff8_0000_0000_0001, 9),
        ];
        for (v, bit) in d {
            assert_eq!(classify::<D>(v), 1 << bit, "{v:#x}");
        }
        // An improperly boxed single classifies as the canonical (quiet) NaN.
        assert_eq!(classify::<S>(S::unbox(0x4000_0000)), 1 << 9);
    }

    #[test]
    fn sign_injection() {
        let (one, minus_two) = (0x3f80_0000, 0xc000_0000);
        assert_eq!(inject_sign::<S>(one, minus_two, Sign::Copy), 0xbf80_0000);
        assert_eq!(inject_sign::<S>(one, minus_two, Sign::Negate), 0x3f80_0000);
        assert_eq!(inject_sign::<S>(minus_two, minus_two, Sign::Xor), 0x4000_0000); // fabs
        assert_eq!(inject_sign::<S>(0x7f80_0001, minus_two, Sign::Copy), 0xff80_0001); // NaN payload kept
        assert_eq!(inject_sign::<D>(0x3ff0_0000_0000_0000, 0x8000_0000_0000_0000, Sign::Xor), 0xbff0_0000_0000_0000);
    }
}
