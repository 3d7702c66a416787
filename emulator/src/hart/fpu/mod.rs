//! The F and D extensions: 32 f registers of 64 bits, `fcsr` (`frm` and
//! `fflags`), `mstatus.FS`, and every F/D instruction, all out of line from
//! the integer hot path: `execute` forwards each F/D op to [`Hart::execute_fp`].
//!
//! Host FPU or soft float? Every operation that rounds (add, sub, mul, div,
//! sqrt, the fused multiply-adds and all conversions) goes through Berkeley
//! SoftFloat (`softfloat.rs` says why that library), whatever the rounding
//! mode, RNE included: the host's rounding mode and flags (x86's MXCSR) are
//! state that Rust's float operations do not model (the compiler may fold or
//! move them), and its NaN results follow x86, not RISC-V's canonical NaN, so
//! exact flags would cost a second computation anyway. The host is used only
//! where nothing rounds: ordering two non-NaN values for flt/fle/fmin/fmax
//! (`compare.rs`). Bit-level instructions (loads, stores, moves, sign
//! injection, fclass, NaN-boxing) are integer code (`regs.rs`).
//!
//! Files: `regs.rs` the formats and the register file's transfers,
//! `softfloat.rs` the SoftFloat boundary, `arith.rs` rounding arithmetic,
//! `convert.rs` fcvt, `compare.rs` comparisons and fmin/fmax.

mod arith;
mod compare;
mod convert;
mod regs;
mod softfloat;

use super::exception::Exception;
use super::op::{Decoded, Op};
use super::Hart;
use crate::bus::Bus;
use arith::{FMADD, FMSUB, FNMADD, FNMSUB};
use compare::Compare;
use regs::{Sign, D, S};
use softfloat::{Ieee, Int};
use sv39_arch::csr::{fcsr, mstatus};

/// The F/D architectural state besides `mstatus.FS`.
#[derive(Clone, Debug, Default)]
pub struct FpRegs {
    /// f0..f31; single-precision values are NaN-boxed.
    pub f: [u64; 32],
    /// Accrued exception flags (NV DZ OF UF NX), `fcsr` bits 4:0.
    pub fflags: u8,
    /// The dynamic rounding mode, `fcsr` bits 7:5 (any 3-bit value may be
    /// written; 5-7 make dynamic-rounding instructions illegal).
    pub frm: u8,
}

impl FpRegs {
    /// `fcsr`: frm and fflags; bits 31:8 read as zero.
    pub fn fcsr(&self) -> u64 {
        (self.frm as u64) << fcsr::FRM_SHIFT | self.fflags as u64
    }
}

impl Hart {
    /// Whether F/D instructions and `fcsr` are usable: mstatus.FS is not Off
    /// (privileged spec 3.1.6.6).
    pub fn fp_enabled(&self) -> bool {
        self.csr.mstatus & mstatus::FS != mstatus::FS_OFF
    }

    /// FS = Dirty (and so SD): the F/D state was modified.
    fn mark_fs_dirty(&mut self) {
        self.csr.mstatus |= mstatus::FS_DIRTY | mstatus::SD;
    }

    /// ORs `flags` into fflags; any new flag dirties the FP state.
    fn accrue(&mut self, flags: u8) {
        if flags != 0 {
            self.fp.fflags |= flags;
            self.mark_fs_dirty();
        }
    }

    /// The rounding mode of `d`: its rm field, or frm for DYN; a reserved
    /// mode raises illegal-instruction (F chapter, "Rounding mode encoding").
    fn rounding_mode(&self, d: Decoded) -> Result<u8, Exception> {
        let rm = if d.rm() == fcsr::DYN { self.fp.frm } else { d.rm() };
        if rm <= fcsr::RMM {
            Ok(rm)
        } else {
            Err(Exception::IllegalInstruction(d.raw as u64))
        }
    }

    /// Runs `op` (which is given the mode) in the rounding mode of `d`,
    /// accrues the flags it raised and returns its result.
    fn round(&mut self, d: Decoded, op: impl FnOnce(u8) -> u64) -> Result<u64, Exception> {
        let rm = self.rounding_mode(d)?;
        let (v, flags) = softfloat::rounded(rm, || op(rm));
        self.accrue(flags);
        Ok(v)
    }

    /// A write to fflags, frm or fcsr (CSR numbers); the FP state becomes Dirty.
    pub(super) fn fcsr_store(&mut self, n: u16, value: u64) {
        let (flags, frm) = match n {
            sv39_arch::csr::FFLAGS => (value, self.fp.frm as u64),
            sv39_arch::csr::FRM => (self.fp.fflags as u64, value),
            _ => (value, value >> fcsr::FRM_SHIFT),
        };
        self.fp.fflags = (flags & fcsr::FFLAGS) as u8;
        self.fp.frm = (frm & 7) as u8;
        self.mark_fs_dirty();
    }

    /// Executes one F or D instruction at `pc`; returns the next pc.
    #[inline(never)]
    pub(super) fn execute_fp(&mut self, bus: &mut Bus, d: Decoded, pc: u64) -> Result<u64, Exception> {
        if !self.fp_enabled() {
            return Err(Exception::IllegalInstruction(d.raw as u64));
        }
        use Op::*;
        match d.op {
            Flw => self.fp_load::<S>(bus, d)?,
            Fld => self.fp_load::<D>(bus, d)?,
            Fsw => self.fp_store::<S>(bus, d)?,
            Fsd => self.fp_store::<D>(bus, d)?,
            FaddS => self.fp_binary::<S>(d, S::add)?,
            FsubS => self.fp_binary::<S>(d, S::sub)?,
            FmulS => self.fp_binary::<S>(d, S::mul)?,
            FdivS => self.fp_binary::<S>(d, S::div)?,
            FaddD => self.fp_binary::<D>(d, D::add)?,
            FsubD => self.fp_binary::<D>(d, D::sub)?,
            FmulD => self.fp_binary::<D>(d, D::mul)?,
            FdivD => self.fp_binary::<D>(d, D::div)?,
            FsqrtS => self.fp_sqrt::<S>(d)?,
            FsqrtD => self.fp_sqrt::<D>(d)?,
            FmaddS => self.fp_fused::<S>(d, FMADD)?,
            FmsubS => self.fp_fused::<S>(d, FMSUB)?,
            FnmsubS => self.fp_fused::<S>(d, FNMSUB)?,
            FnmaddS => self.fp_fused::<S>(d, FNMADD)?,
            FmaddD => self.fp_fused::<D>(d, FMADD)?,
            FmsubD => self.fp_fused::<D>(d, FMSUB)?,
            FnmsubD => self.fp_fused::<D>(d, FNMSUB)?,
            FnmaddD => self.fp_fused::<D>(d, FNMADD)?,
            FsgnjS => self.fp_sign::<S>(d, Sign::Copy),
            FsgnjnS => self.fp_sign::<S>(d, Sign::Negate),
            FsgnjxS => self.fp_sign::<S>(d, Sign::Xor),
            FsgnjD => self.fp_sign::<D>(d, Sign::Copy),
            FsgnjnD => self.fp_sign::<D>(d, Sign::Negate),
            FsgnjxD => self.fp_sign::<D>(d, Sign::Xor),
            FminS => self.fp_min_max::<S>(d, false),
            FmaxS => self.fp_min_max::<S>(d, true),
            FminD => self.fp_min_max::<D>(d, false),
            FmaxD => self.fp_min_max::<D>(d, true),
            FeqS => self.fp_compare::<S>(d, Compare::Eq),
            FltS => self.fp_compare::<S>(d, Compare::Lt),
            FleS => self.fp_compare::<S>(d, Compare::Le),
            FeqD => self.fp_compare::<D>(d, Compare::Eq),
            FltD => self.fp_compare::<D>(d, Compare::Lt),
            FleD => self.fp_compare::<D>(d, Compare::Le),
            FclassS => self.fp_class::<S>(d),
            FclassD => self.fp_class::<D>(d),
            FcvtWS => self.fcvt_to_int::<S>(d, Int::W)?,
            FcvtWuS => self.fcvt_to_int::<S>(d, Int::Wu)?,
            FcvtLS => self.fcvt_to_int::<S>(d, Int::L)?,
            FcvtLuS => self.fcvt_to_int::<S>(d, Int::Lu)?,
            FcvtWD => self.fcvt_to_int::<D>(d, Int::W)?,
            FcvtWuD => self.fcvt_to_int::<D>(d, Int::Wu)?,
            FcvtLD => self.fcvt_to_int::<D>(d, Int::L)?,
            FcvtLuD => self.fcvt_to_int::<D>(d, Int::Lu)?,
            FcvtSW => self.fcvt_from_int::<S>(d, Int::W)?,
            FcvtSWu => self.fcvt_from_int::<S>(d, Int::Wu)?,
            FcvtSL => self.fcvt_from_int::<S>(d, Int::L)?,
            FcvtSLu => self.fcvt_from_int::<S>(d, Int::Lu)?,
            FcvtDW => self.fcvt_from_int::<D>(d, Int::W)?,
            FcvtDWu => self.fcvt_from_int::<D>(d, Int::Wu)?,
            FcvtDL => self.fcvt_from_int::<D>(d, Int::L)?,
            FcvtDLu => self.fcvt_from_int::<D>(d, Int::Lu)?,
            FcvtSD => self.fcvt_precision(d, true)?,
            FcvtDS => self.fcvt_precision(d, false)?,
            FmvXW => self.fp_move_to_x::<S>(d),
            FmvXD => self.fp_move_to_x::<D>(d),
            FmvWX => self.fp_move_from_x::<S>(d),
            FmvDX => self.fp_move_from_x::<D>(d),
            // `execute` forwards only the ops above.
            _ => return Err(Exception::IllegalInstruction(d.raw as u64)),
        }
        Ok(pc.wrapping_add(d.len as u64))
    }
}

#[cfg(test)]
mod tests {
    //! The hart's side: FS, fcsr, rounding-mode selection and NaN-boxing as
    //! instructions see them. Encodings from GNU as 2.40 (`-march=rv64imafdc`).

    use super::*;
    use crate::board::build_bus;
    use crate::bus::Clock;
    use crate::hart::decode::decode;
    use crate::mmu::walk::AdPolicy;
    use crate::mmu::Mmu;
    use sv39_arch::csr::{self, fcsr::*};

    const FADD_S: u32 = 0x0020_f1d3; // fadd.s ft3, ft1, ft2
    const FDIV_S: u32 = 0x1820_f1d3; // fdiv.s ft3, ft1, ft2
    const FADD_S_RNE: u32 = 0x0020_81d3; // fadd.s ft3, ft1, ft2, rne
    const FEQ_S: u32 = 0xa020_a553; // feq.s a0, ft1, ft2
    const ONE_S: u64 = 0xffff_ffff_3f80_0000;
    const THREE_S: u64 = 0xffff_ffff_4040_0000;
    const RAM: u64 = 0x8000_0000;

    /// A hart in M-mode with FS = Initial, and a bus with 1 MiB of RAM.
    fn hart() -> (Hart, Bus) {
        let bus = build_bus(1, 1 << 20, Clock::Instructions { per_tick: 1 }, Box::new(std::io::sink())).unwrap();
        let mut h = Hart::new(0, Mmu::new(AdPolicy::Update, false));
        h.csr.mstatus |= mstatus::FS_INITIAL;
        (h, bus)
    }

    fn exec(h: &mut Hart, bus: &mut Bus, raw: u32) -> Result<u64, Exception> {
        h.execute_fp(bus, decode(raw), RAM)
    }

    fn fs(h: &Hart) -> u64 {
        h.csr.mstatus & mstatus::FS
    }

    /// FS = Off makes every F/D instruction and fcsr access illegal.
    #[test]
    fn fs_off_is_illegal() {
        let (mut h, mut bus) = hart();
        h.csr.mstatus &= !mstatus::FS;
        assert_eq!(exec(&mut h, &mut bus, FADD_S), Err(Exception::IllegalInstruction(FADD_S as u64)));
        assert_eq!(exec(&mut h, &mut bus, 0x2904), Err(Exception::IllegalInstruction(0x2904))); // c.fld fs1, 16(a0)
        for n in [csr::FFLAGS, csr::FRM, csr::FCSR] {
            assert_eq!(h.csr_read(&mut bus, n), None);
            assert_eq!(h.csr_write(n, 0), None);
        }
        assert_eq!(fs(&h), mstatus::FS_OFF);
    }

    /// Writing an f register or fflags makes FS Dirty and sets SD; an
    /// instruction that changes neither leaves FS alone.
    #[test]
    fn dirty_and_sd() {
        let (mut h, mut bus) = hart();
        h.fp.f[1] = ONE_S;
        h.fp.f[2] = ONE_S;
        assert_eq!(exec(&mut h, &mut bus, FEQ_S), Ok(RAM + 4));
        assert_eq!((h.x[10], fs(&h)), (1, mstatus::FS_INITIAL));
        assert_eq!(exec(&mut h, &mut bus, FADD_S), Ok(RAM + 4));
        assert_eq!(h.fp.f[3], 0xffff_ffff_4000_0000);
        assert_eq!(fs(&h), mstatus::FS_DIRTY);
        let sd = mstatus::SD | mstatus::FS_DIRTY;
        assert_eq!(h.csr_read(&mut bus, csr::MSTATUS).unwrap() & sd, sd);
        assert_eq!(h.csr_read(&mut bus, csr::SSTATUS).unwrap() & sd, sd);
        // Software cleans the state (as a kernel after saving it): SD clears.
        let st = h.csr.mstatus & !mstatus::FS | mstatus::FS_CLEAN;
        h.csr_write(csr::MSTATUS, st).unwrap();
        assert_eq!(h.csr.mstatus & sd, mstatus::FS_CLEAN);
        // feq with a signaling NaN only raises NV: fflags changes, so Dirty.
        h.fp.f[2] = 0xffff_ffff_7f80_0001;
        exec(&mut h, &mut bus, FEQ_S).unwrap();
        assert_eq!((h.x[10], h.fp.fflags, fs(&h)), (0, NV, mstatus::FS_DIRTY));
        // sstatus writes FS too.
        h.csr_write(csr::SSTATUS, mstatus::FS_INITIAL).unwrap();
        assert_eq!(h.csr.mstatus & sd, mstatus::FS_INITIAL);
    }

    /// fflags and frm are views of fcsr; bits 31:8 read as zero.
    #[test]
    fn fcsr_views() {
        let (mut h, mut bus) = hart();
        let mut read = |h: &mut Hart, n| h.csr_read(&mut bus, n).unwrap();
        h.csr_write(csr::FCSR, 0xffff_ffff).unwrap();
        assert_eq!((read(&mut h, csr::FCSR), read(&mut h, csr::FRM), read(&mut h, csr::FFLAGS)), (0xff, 7, 0x1f));
        assert_eq!(fs(&h), mstatus::FS_DIRTY);
        h.csr_write(csr::FRM, 0xfb).unwrap();
        assert_eq!(read(&mut h, csr::FCSR), 0x7f);
        h.csr_write(csr::FFLAGS, 0xe0).unwrap();
        assert_eq!(read(&mut h, csr::FCSR), 0x60);
    }

    /// rm = 7 uses frm; a reserved frm makes only dynamic-rounding
    /// instructions illegal.
    #[test]
    fn dynamic_rounding() {
        let (mut h, mut bus) = hart();
        h.fp.f[1] = ONE_S;
        h.fp.f[2] = THREE_S;
        h.csr_write(csr::FRM, RTZ as u64).unwrap();
        exec(&mut h, &mut bus, FDIV_S).unwrap();
        assert_eq!((h.fp.f[3], h.fp.fflags), (0xffff_ffff_3eaa_aaaa, NX));
        h.csr_write(csr::FRM, RUP as u64).unwrap();
        exec(&mut h, &mut bus, FDIV_S).unwrap();
        assert_eq!(h.fp.f[3], 0xffff_ffff_3eaa_aaab);
        for frm in [5, 6, 7] {
            h.csr_write(csr::FRM, frm).unwrap();
            assert_eq!(exec(&mut h, &mut bus, FADD_S), Err(Exception::IllegalInstruction(FADD_S as u64)));
            assert_eq!(exec(&mut h, &mut bus, FADD_S_RNE), Ok(RAM + 4));
        }
    }

    /// Improperly boxed singles read as the canonical NaN; transfers ignore boxing.
    #[test]
    fn nan_boxing_in_instructions() {
        let (mut h, mut bus) = hart();
        h.fp.f[1] = 0x0000_0000_3f80_0000; // 1.0f, not boxed
        h.fp.f[2] = 0xffff_ffff_bf80_0000; // -1.0f
        exec(&mut h, &mut bus, FADD_S).unwrap();
        assert_eq!((h.fp.f[3], h.fp.fflags), (0xffff_ffff_7fc0_0000, 0));
        exec(&mut h, &mut bus, 0x2020_81d3).unwrap(); // fsgnj.s ft3, ft1, ft2
        assert_eq!(h.fp.f[3], 0xffff_ffff_ffc0_0000);
        exec(&mut h, &mut bus, 0x4200_81d3).unwrap(); // fcvt.d.s ft3, ft1
        assert_eq!(h.fp.f[3], 0x7ff8_0000_0000_0000);
        h.fp.f[1] = 0x1234_5678_8000_0001;
        exec(&mut h, &mut bus, 0xe000_8553).unwrap(); // fmv.x.w a0, ft1: low bits, sign-extended
        assert_eq!(h.x[10], 0xffff_ffff_8000_0001);
        h.x[10] = 0xdead_beef_4000_0000;
        exec(&mut h, &mut bus, 0xf005_00d3).unwrap(); // fmv.w.x ft1, a0
        assert_eq!(h.fp.f[1], 0xffff_ffff_4000_0000);
        // fmin.d sees a boxed single as a (negative) NaN-pattern double: a NaN.
        h.fp.f[2] = 0x3ff0_0000_0000_0000;
        exec(&mut h, &mut bus, 0x2a20_81d3).unwrap(); // fmin.d ft3, ft1, ft2
        assert_eq!(h.fp.f[3], 0x3ff0_0000_0000_0000);
    }

    /// Loads box singles, stores write the low bits unchanged, and the
    /// compressed forms address like their expansions.
    #[test]
    fn loads_and_stores() {
        let (mut h, mut bus) = hart();
        let at = RAM + 0x1000;
        bus.write(at, 8, 0x7ff0_0000_0000_0001).unwrap(); // a signaling NaN double
        h.x[10] = at;
        exec(&mut h, &mut bus, 0x0005_2087).unwrap(); // flw ft1, 0(a0)
        assert_eq!(h.fp.f[1], 0xffff_ffff_0000_0001);
        exec(&mut h, &mut bus, 0x0005_3107).unwrap(); // fld ft2, 0(a0)
        assert_eq!(h.fp.f[2], 0x7ff0_0000_0000_0001); // payload kept: no conversion
        h.fp.f[1] = 0x0123_4567_89ab_cdef; // not a boxed single
        exec(&mut h, &mut bus, 0x0015_2227).unwrap(); // fsw ft1, 4(a0)
        assert_eq!(bus.read(at + 4, 4), Some(0x89ab_cdef));
        exec(&mut h, &mut bus, 0x0025_3427).unwrap(); // fsd ft2, 8(a0)
        assert_eq!(bus.read(at + 8, 8), Some(0x7ff0_0000_0000_0001));
        h.x[2] = at;
        assert_eq!(exec(&mut h, &mut bus, 0xa806), Ok(RAM + 2)); // c.fsdsp ft1, 16(sp)
        exec(&mut h, &mut bus, 0x2904).unwrap(); // c.fld fs1, 16(a0)
        assert_eq!(h.fp.f[9], 0x0123_4567_89ab_cdef);
        // A fault leaves the destination alone.
        h.x[10] = 0x10;
        assert_eq!(exec(&mut h, &mut bus, 0x0005_3107), Err(Exception::LoadAccessFault(0x10)));
        assert_eq!(h.fp.f[2], 0x7ff0_0000_0000_0001);
    }

    /// fcvt.wu.s sign-extends its 32-bit result on RV64; fmadd reads rs3.
    #[test]
    fn integer_results_and_rs3() {
        let (mut h, mut bus) = hart();
        h.fp.f[1] = 0xffff_ffff_4f32_d05e; // 3e9
        exec(&mut h, &mut bus, 0xc010_9553).unwrap(); // fcvt.wu.s a0, ft1, rtz
        assert_eq!((h.x[10], h.fp.fflags), (0xffff_ffff_b2d0_5e00, 0));
        h.fp.f[1] = THREE_S;
        h.fp.f[2] = THREE_S;
        h.fp.f[3] = ONE_S;
        exec(&mut h, &mut bus, 0x1820_f243).unwrap(); // fmadd.s ft4, ft1, ft2, ft3
        assert_eq!(h.fp.f[4], 0xffff_ffff_4120_0000); // 10.0
    }
}
