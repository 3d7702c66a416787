//! Instruction semantics, by ISA chapter, as close to the spec's pseudocode as
//! Rust allows. `execute` runs one decoded instruction at `pc` and returns the
//! next pc; on an exception `self.pc` still names the instruction.

use super::exception::Exception;
use super::op::{Decoded, Op};
use super::Hart;
use crate::bus::Bus;
use crate::mmu::Word;
use sv39_arch::csr::{mip, mstatus, Priv};

impl Hart {
    #[inline(always)]
    pub(super) fn execute(&mut self, bus: &mut Bus, d: Decoded, pc: u64) -> Result<u64, Exception> {
        let mut next = fall_through(pc, d.len);
        let rd = d.rd;
        // Operands are read in the arms that use them, not before dispatch.
        macro_rules! rs1 { () => { self.reg(d.rs1) } }
        macro_rules! rs2 { () => { self.reg(d.rs2) } }
        let imm = d.imm as i64 as u64;
        macro_rules! shamt { () => { (d.imm & 63) as u32 } }
        match d.op {
            // RV64I: integer computation (unprivileged spec 2.4, 5.2).
            Op::Lui => self.set_reg(rd, imm),
            Op::Auipc => self.set_reg(rd, pc.wrapping_add(imm)),
            Op::Addi => self.set_reg(rd, rs1!().wrapping_add(imm)),
            Op::Slti => self.set_reg(rd, ((rs1!() as i64) < (imm as i64)) as u64),
            Op::Sltiu => self.set_reg(rd, (rs1!() < imm) as u64),
            Op::Xori => self.set_reg(rd, rs1!() ^ imm),
            Op::Ori => self.set_reg(rd, rs1!() | imm),
            Op::Andi => self.set_reg(rd, rs1!() & imm),
            Op::Slli => self.set_reg(rd, rs1!() << shamt!()),
            Op::Srli => self.set_reg(rd, rs1!() >> shamt!()),
            Op::Srai => self.set_reg(rd, ((rs1!() as i64) >> shamt!()) as u64),
            Op::Add => self.set_reg(rd, rs1!().wrapping_add(rs2!())),
            Op::Sub => self.set_reg(rd, rs1!().wrapping_sub(rs2!())),
            Op::Sll => self.set_reg(rd, rs1!() << (rs2!() & 63)),
            Op::Slt => self.set_reg(rd, ((rs1!() as i64) < (rs2!() as i64)) as u64),
            Op::Sltu => self.set_reg(rd, (rs1!() < rs2!()) as u64),
            Op::Xor => self.set_reg(rd, rs1!() ^ rs2!()),
            Op::Srl => self.set_reg(rd, rs1!() >> (rs2!() & 63)),
            Op::Sra => self.set_reg(rd, ((rs1!() as i64) >> (rs2!() & 63)) as u64),
            Op::Or => self.set_reg(rd, rs1!() | rs2!()),
            Op::And => self.set_reg(rd, rs1!() & rs2!()),
            Op::Addiw => self.set_reg(rd, sext32(rs1!().wrapping_add(imm))),
            Op::Slliw => self.set_reg(rd, sext32(rs1!() << (shamt!() & 31))),
            Op::Srliw => self.set_reg(rd, sext32((rs1!() as u32 >> (shamt!() & 31)) as u64)),
            Op::Sraiw => self.set_reg(rd, ((rs1!() as i32) >> (shamt!() & 31)) as i64 as u64),
            Op::Addw => self.set_reg(rd, sext32(rs1!().wrapping_add(rs2!()))),
            Op::Subw => self.set_reg(rd, sext32(rs1!().wrapping_sub(rs2!()))),
            Op::Sllw => self.set_reg(rd, sext32(rs1!() << (rs2!() & 31))),
            Op::Srlw => self.set_reg(rd, sext32((rs1!() as u32 >> (rs2!() & 31)) as u64)),
            Op::Sraw => self.set_reg(rd, ((rs1!() as i32) >> (rs2!() & 31)) as i64 as u64),
            // Control transfer (2.5). IALIGN = 16, so targets are never misaligned.
            Op::Jal => {
                self.set_reg(rd, next);
                next = pc.wrapping_add(imm);
            }
            Op::Jalr => {
                let target = rs1!().wrapping_add(imm) & !1;
                self.set_reg(rd, next);
                next = target;
            }
            Op::Beq => next = branch(rs1!() == rs2!(), pc, imm, next),
            Op::Bne => next = branch(rs1!() != rs2!(), pc, imm, next),
            Op::Blt => next = branch((rs1!() as i64) < (rs2!() as i64), pc, imm, next),
            Op::Bge => next = branch((rs1!() as i64) >= (rs2!() as i64), pc, imm, next),
            Op::Bltu => next = branch(rs1!() < rs2!(), pc, imm, next),
            Op::Bgeu => next = branch(rs1!() >= rs2!(), pc, imm, next),
            // Loads and stores (2.6, 5.3).
            Op::Lb => {
                let v = self.load::<u8>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as i8 as u64)
            }
            Op::Lh => {
                let v = self.load::<u16>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as i16 as u64)
            }
            Op::Lw => {
                let v = self.load::<u32>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as i32 as u64)
            }
            Op::Ld => {
                let v = self.load::<u64>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v)
            }
            Op::Lbu => {
                let v = self.load::<u8>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as u64)
            }
            Op::Lhu => {
                let v = self.load::<u16>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as u64)
            }
            Op::Lwu => {
                let v = self.load::<u32>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as u64)
            }
            Op::Sb => self.store::<u8>(bus, rs1!().wrapping_add(imm), rs2!() as u8)?,
            Op::Sh => self.store::<u16>(bus, rs1!().wrapping_add(imm), rs2!() as u16)?,
            Op::Sw => self.store::<u32>(bus, rs1!().wrapping_add(imm), rs2!() as u32)?,
            Op::Sd => self.store::<u64>(bus, rs1!().wrapping_add(imm), rs2!())?,
            // Memory ordering (2.7); fence.i has nothing to do: the decode cache
            // follows every store (see bus::code_pages).
            Op::Fence | Op::FenceI => {}
            // M (chapter 7).
            Op::Mul => self.set_reg(rd, rs1!().wrapping_mul(rs2!())),
            Op::Mulh => self.set_reg(rd, ((rs1!() as i64 as i128 * rs2!() as i64 as i128) >> 64) as u64),
            Op::Mulhsu => self.set_reg(rd, ((rs1!() as i64 as i128).wrapping_mul(rs2!() as i128) >> 64) as u64),
            Op::Mulhu => self.set_reg(rd, ((rs1!() as u128 * rs2!() as u128) >> 64) as u64),
            Op::Div => self.set_reg(rd, div(rs1!() as i64, rs2!() as i64) as u64),
            Op::Divu => self.set_reg(rd, rs1!().checked_div(rs2!()).unwrap_or(u64::MAX)),
            Op::Rem => self.set_reg(rd, rem(rs1!() as i64, rs2!() as i64) as u64),
            Op::Remu => self.set_reg(rd, if rs2!() == 0 { rs1!() } else { rs1!() % rs2!() }),
            Op::Mulw => self.set_reg(rd, sext32(rs1!().wrapping_mul(rs2!()))),
            Op::Divw => self.set_reg(rd, div32(rs1!() as i32, rs2!() as i32) as i64 as u64),
            Op::Divuw => {
                let (a, b) = (rs1!() as u32, rs2!() as u32);
                self.set_reg(rd, a.checked_div(b).unwrap_or(u32::MAX) as i32 as i64 as u64)
            }
            Op::Remw => self.set_reg(rd, rem32(rs1!() as i32, rs2!() as i32) as i64 as u64),
            Op::Remuw => {
                let (a, b) = (rs1!() as u32, rs2!() as u32);
                self.set_reg(rd, if b == 0 { a } else { a % b } as i32 as i64 as u64)
            }
            // A (chapter 8).
            Op::LrW => self.lr::<u32>(bus, rd, rs1!())?,
            Op::LrD => self.lr::<u64>(bus, rd, rs1!())?,
            Op::ScW => self.sc::<u32>(bus, rd, rs1!(), rs2!())?,
            Op::ScD => self.sc::<u64>(bus, rd, rs1!(), rs2!())?,
            Op::AmoswapW | Op::AmoaddW | Op::AmoxorW | Op::AmoandW | Op::AmoorW | Op::AmominW
            | Op::AmomaxW | Op::AmominuW | Op::AmomaxuW => self.amo::<u32>(bus, d.op, rd, rs1!(), rs2!())?,
            Op::AmoswapD | Op::AmoaddD | Op::AmoxorD | Op::AmoandD | Op::AmoorD | Op::AmominD
            | Op::AmomaxD | Op::AmominuD | Op::AmomaxuD => self.amo::<u64>(bus, d.op, rd, rs1!(), rs2!())?,
            // Zicsr (chapter 9).
            Op::Csrrw | Op::Csrrs | Op::Csrrc | Op::Csrrwi | Op::Csrrsi | Op::Csrrci => {
                self.zicsr(bus, d)?
            }
            // F and D: out of line, in `hart::fpu`.
            Op::Flw | Op::Fsw | Op::FmaddS | Op::FmsubS | Op::FnmsubS | Op::FnmaddS | Op::FaddS
            | Op::FsubS | Op::FmulS | Op::FdivS | Op::FsqrtS | Op::FsgnjS | Op::FsgnjnS | Op::FsgnjxS
            | Op::FminS | Op::FmaxS | Op::FcvtWS | Op::FcvtWuS | Op::FcvtLS | Op::FcvtLuS | Op::FcvtSW
            | Op::FcvtSWu | Op::FcvtSL | Op::FcvtSLu | Op::FmvXW | Op::FmvWX | Op::FeqS | Op::FltS
            | Op::FleS | Op::FclassS | Op::Fld | Op::Fsd | Op::FmaddD | Op::FmsubD | Op::FnmsubD
            | Op::FnmaddD | Op::FaddD | Op::FsubD | Op::FmulD | Op::FdivD | Op::FsqrtD | Op::FsgnjD
            | Op::FsgnjnD | Op::FsgnjxD | Op::FminD | Op::FmaxD | Op::FcvtWD | Op::FcvtWuD | Op::FcvtLD
            | Op::FcvtLuD | Op::FcvtDW | Op::FcvtDWu | Op::FcvtDL | Op::FcvtDLu | Op::FcvtSD
            | Op::FcvtDS | Op::FmvXD | Op::FmvDX | Op::FeqD | Op::FltD | Op::FleD | Op::FclassD => {
                // A fresh value, built in this arm only: passing `d` itself to an
                // out-of-line call made LLVM spill every fetched instruction to
                // the stack before dispatch (measured: 300 -> 105 MIPS).
                return self.execute_fp(bus, Decoded::new(d.op, d.rd, d.rs1, d.rs2, d.imm, d.raw), pc)
            }
            // Privileged instructions (privileged spec 3.3, 4.2.1).
            Op::Ecall => {
                return Err(match self.prv {
                    Priv::U => Exception::EcallFromU,
                    Priv::S => Exception::EcallFromS,
                    Priv::M => Exception::EcallFromM,
                })
            }
            Op::Ebreak => return Err(Exception::Breakpoint(pc)),
            Op::Mret if self.prv == Priv::M => next = self.mret(),
            Op::Sret if self.prv == Priv::M || (self.prv == Priv::S && !self.tsr()) => next = self.sret(),
            Op::Wfi if self.wfi_allowed() => {
                self.wfi = true;
                self.end_batch();
            }
            Op::SfenceVma if self.sfence_allowed() => {
                let va = (d.rs1 != 0).then_some(rs1!());
                let asid = (d.rs2 != 0).then_some(rs2!());
                self.sfence_vma(va, asid);
            }
            Op::Mret | Op::Sret | Op::Wfi | Op::SfenceVma | Op::Illegal | Op::Undecoded => {
                return Err(illegal(d))
            }
        }
        Ok(next)
    }

    fn tsr(&self) -> bool {
        self.csr.mstatus & mstatus::TSR != 0
    }

    /// WFI is illegal in U-mode, and in S-mode when mstatus.TW = 1 (spec 3.1.6.5).
    fn wfi_allowed(&self) -> bool {
        match self.prv {
            Priv::M => true,
            Priv::S => self.csr.mstatus & mstatus::TW == 0,
            Priv::U => false,
        }
    }

    /// sfence.vma is illegal in U-mode, and in S-mode when mstatus.TVM = 1.
    fn sfence_allowed(&self) -> bool {
        match self.prv {
            Priv::M => true,
            Priv::S => self.csr.mstatus & mstatus::TVM == 0,
            Priv::U => false,
        }
    }

    /// csrrw/csrrs/csrrc and their immediate forms (Zicsr 9.1): csrrw with
    /// rd = x0 does not read; csrrs/csrrc with a zero source do not write.
    fn zicsr(&mut self, bus: &mut Bus, d: Decoded) -> Result<(), Exception> {
        let n = d.imm as u16 & 0xfff;
        let src = match d.op {
            Op::Csrrwi | Op::Csrrsi | Op::Csrrci => d.rs1 as u64,
            _ => self.reg(d.rs1),
        };
        let (read, write) = match d.op {
            Op::Csrrw | Op::Csrrwi => (d.rd != 0, true),
            _ => (true, d.rs1 != 0),
        };
        let old = if read { self.csr_read(bus, n).ok_or(illegal(d))? } else { 0 };
        if write {
            // The read-modify-write of mip uses the software-writable SEIP, not
            // the PLIC's line (spec 3.1.9).
            let base = if n == sv39_arch::csr::MIP { old & !mip::SEIP | self.csr.mip_sw & mip::SEIP } else { old };
            let value = match d.op {
                Op::Csrrw | Op::Csrrwi => src,
                Op::Csrrs | Op::Csrrsi => base | src,
                _ => base & !src,
            };
            self.csr_write(n, value).ok_or(illegal(d))?;
        }
        self.set_reg(d.rd, old);
        Ok(())
    }

    /// LR (8.2): a naturally aligned load that registers a reservation.
    fn lr<T: Word>(&mut self, bus: &mut Bus, rd: u8, addr: u64) -> Result<(), Exception> {
        if addr % T::SIZE != 0 {
            return Err(Exception::LoadAddressMisaligned(addr));
        }
        let v = self.load::<T>(bus, addr)?;
        self.set_reg(rd, sext(v.to_u64(), T::SIZE));
        self.reservation = Some(addr);
        Ok(())
    }

    /// SC (8.2): stores only while the reservation holds; rd = 0 on success.
    /// A failing SC performs no access, so it neither faults nor sets D (as QEMU).
    fn sc<T: Word>(&mut self, bus: &mut Bus, rd: u8, addr: u64, v: u64) -> Result<(), Exception> {
        if addr % T::SIZE != 0 {
            return Err(Exception::StoreAddressMisaligned(addr));
        }
        let ok = self.reservation.take() == Some(addr);
        if ok {
            self.store::<T>(bus, addr, T::from_u64(v))?;
        }
        self.set_reg(rd, !ok as u64);
        Ok(())
    }

    /// AMOs (8.4): a store-permission translation, then read-modify-write.
    /// Harts are interleaved on one host thread, so this is atomic.
    fn amo<T: Word>(&mut self, bus: &mut Bus, op: Op, rd: u8, addr: u64, src: u64) -> Result<(), Exception> {
        if addr % T::SIZE != 0 {
            return Err(Exception::StoreAddressMisaligned(addr));
        }
        let pa = self.translate(bus, addr, crate::hart::exception::Access::Store, T::SIZE)?;
        let old = bus.read(pa, T::SIZE).ok_or(Exception::StoreAccessFault(addr))?;
        let old = sext(old, T::SIZE);
        let new = amo_result(op, old, sext(src, T::SIZE), T::SIZE);
        bus.write(pa, T::SIZE, new).ok_or(Exception::StoreAccessFault(addr))?;
        if bus.event {
            self.end_batch();
        }
        self.set_reg(rd, old);
        Ok(())
    }
}

/// The fall-through pc as a branch the host CPU predicts, not as pc + a length
/// loaded from the decode cache: that load would otherwise sit on the critical
/// path from one instruction to the next (measured: +15% on ALU loops).
#[inline(always)]
fn fall_through(pc: u64, len: u8) -> u64 {
    if len == 4 {
        pc.wrapping_add(4)
    } else {
        // Keeps LLVM from turning the branch back into a select.
        std::hint::black_box(());
        pc.wrapping_add(2)
    }
}

fn illegal(d: Decoded) -> Exception {
    Exception::IllegalInstruction(d.raw as u64)
}

#[inline(always)]
fn branch(taken: bool, pc: u64, imm: u64, next: u64) -> u64 {
    if taken { pc.wrapping_add(imm) } else { next }
}

#[inline(always)]
fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

/// Sign-extends the low `size` bytes of `v`.
fn sext(v: u64, size: u64) -> u64 {
    if size == 4 { sext32(v) } else { v }
}

/// Division by zero gives -1; overflow (MIN / -1) gives MIN (table 7.1).
fn div(a: i64, b: i64) -> i64 {
    if b == 0 { -1 } else { a.wrapping_div(b) }
}

/// Remainder by zero gives the dividend; overflow gives 0 (table 7.1).
fn rem(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { a.wrapping_rem(b) }
}

fn div32(a: i32, b: i32) -> i32 {
    if b == 0 { -1 } else { a.wrapping_div(b) }
}

fn rem32(a: i32, b: i32) -> i32 {
    if b == 0 { a } else { a.wrapping_rem(b) }
}

/// The value an AMO stores, from the (sign-extended) old value and rs2.
fn amo_result(op: Op, old: u64, src: u64, size: u64) -> u64 {
    // Unsigned comparisons of .W operands look at the low 32 bits only.
    let unsigned = |v: u64| if size == 4 { v as u32 as u64 } else { v };
    match op {
        Op::AmoswapW | Op::AmoswapD => src,
        Op::AmoaddW | Op::AmoaddD => old.wrapping_add(src),
        Op::AmoxorW | Op::AmoxorD => old ^ src,
        Op::AmoandW | Op::AmoandD => old & src,
        Op::AmoorW | Op::AmoorD => old | src,
        Op::AmominW | Op::AmominD => (old as i64).min(src as i64) as u64,
        Op::AmomaxW | Op::AmomaxD => (old as i64).max(src as i64) as u64,
        Op::AmominuW | Op::AmominuD => if unsigned(old) <= unsigned(src) { old } else { src },
        _ => if unsigned(old) >= unsigned(src) { old } else { src },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_extension_corner_cases() {
        assert_eq!(div(i64::MIN, -1), i64::MIN);
        assert_eq!(rem(i64::MIN, -1), 0);
        assert_eq!(div(7, 0), -1);
        assert_eq!(rem(7, 0), 7);
        assert_eq!(div32(i32::MIN, -1), i32::MIN);
        assert_eq!(rem32(-7, 0), -7);
    }

    #[test]
    fn amo_word_compares() {
        let minus_one = u64::MAX; // sign-extended 0xffff_ffff
        assert_eq!(amo_result(Op::AmominuW, minus_one, 1, 4), 1);
        assert_eq!(amo_result(Op::AmominW, minus_one, 1, 4), minus_one);
        assert_eq!(amo_result(Op::AmomaxuD, 5, 3, 8), 5);
    }
}
