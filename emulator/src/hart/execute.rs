//! Instruction semantics, by ISA chapter, as close to the spec's pseudocode as
//! Rust allows: the handlers that the instruction table's semantics column
//! (`hart::isa`) names, and the helpers its closures call. `execute` runs one
//! decoded instruction at `pc` and returns the next pc; on an exception
//! `self.pc` still names the instruction.

use super::exception::Exception;
use super::isa::instructions;
use super::op::{Decoded, Op};
use super::Hart;
use crate::bus::Bus;
use crate::mmu::Word;
use sv39_arch::csr::{mip, mstatus, Priv};

impl Hart {
    /// One `match` on `d.op`, generated from the instruction table: each row's
    /// semantics names one of the handlers of `run!` below and its arguments.
    #[inline(always)]
    pub(super) fn execute(&mut self, bus: &mut Bus, d: Decoded, pc: u64) -> Result<u64, Exception> {
        let mut next = fall_through(pc, d.len);
        let rd = d.rd;
        // Operands are read in the arms that use them, not before dispatch.
        macro_rules! rs1 { () => { self.reg(d.rs1) } }
        macro_rules! rs2 { () => { self.reg(d.rs2) } }
        let imm = d.imm as i64 as u64;
        macro_rules! shamt { () => { (d.imm & 63) as u32 } }
        macro_rules! run {
            // RV64I: integer computation (unprivileged spec 2.4, 5.2) and M (chapter 7).
            (upper $f:expr) => { self.set_reg(rd, alu($f, pc, imm)) };
            (imm $f:expr) => { self.set_reg(rd, alu($f, rs1!(), imm)) };
            (shift $f:expr) => { self.set_reg(rd, shift($f, rs1!(), shamt!())) };
            (reg $f:expr) => { self.set_reg(rd, alu($f, rs1!(), rs2!())) };
            // Control transfer (2.5). IALIGN = 16, so targets are never misaligned.
            (jal) => {{
                self.set_reg(rd, next);
                next = pc.wrapping_add(imm);
            }};
            (jalr) => {{
                let target = rs1!().wrapping_add(imm) & !1;
                self.set_reg(rd, next);
                next = target;
            }};
            (branch $f:expr) => { next = branch($f, rs1!(), rs2!(), pc, imm, next) };
            // Loads and stores (2.6, 5.3).
            (load $t:ty as $ext:ty) => {{
                let v = self.load::<$t>(bus, rs1!().wrapping_add(imm))?;
                self.set_reg(rd, v as $ext as u64)
            }};
            (store $t:ty) => { self.store::<$t>(bus, rs1!().wrapping_add(imm), rs2!() as $t)? };
            (nop) => { () };
            // A (chapter 8).
            (lr $t:ty) => { self.lr::<$t>(bus, rd, rs1!())? };
            (sc $t:ty) => { self.sc::<$t>(bus, rd, rs1!(), rs2!())? };
            (amo $t:ty, $f:expr) => { self.amo::<$t>(bus, rd, rs1!(), rs2!(), $f)? };
            // Zicsr (chapter 9).
            (zicsr $op:ident, reg) => { self.zicsr(bus, d, CsrOp::$op, rs1!())? };
            (zicsr $op:ident, uimm) => { self.zicsr(bus, d, CsrOp::$op, d.rs1 as u64)? };
            // F and D: out of line, in `hart::fpu`.
            (fp) => {
                // A fresh value, built in this arm only: passing `d` itself to an
                // out-of-line call made LLVM spill every fetched instruction to
                // the stack before dispatch (measured: 300 -> 105 MIPS).
                return self.execute_fp(bus, Decoded::new(d.op, d.rd, d.rs1, d.rs2, d.imm, d.raw), pc)
            };
            // Privileged instructions (privileged spec 3.3, 4.2.1).
            (ecall) => {
                return Err(match self.prv {
                    Priv::U => Exception::EcallFromU,
                    Priv::S => Exception::EcallFromS,
                    Priv::M => Exception::EcallFromM,
                })
            };
            (ebreak) => { return Err(Exception::Breakpoint(pc)) };
            (mret) => { next = if self.prv == Priv::M { self.mret() } else { return Err(illegal(d)) } };
            (sret) => { next = if self.sret_allowed() { self.sret() } else { return Err(illegal(d)) } };
            (wfi) => {{
                if !self.wfi_allowed() {
                    return Err(illegal(d));
                }
                self.wfi = true;
                self.end_batch();
            }};
            (sfence_vma) => {{
                if !self.sfence_allowed() {
                    return Err(illegal(d));
                }
                let va = (d.rs1 != 0).then_some(rs1!());
                let asid = (d.rs2 != 0).then_some(rs2!());
                self.sfence_vma(va, asid);
            }};
        }
        macro_rules! dispatch {
            ($($op:ident $name:literal $mask:ident $enc:ident $fields:tt $syntax:ident $engine:ident
                $kind:ident $(($($sem:tt)*))?;)*) => {
                match d.op {
                    $(Op::$op => run!($kind $($($sem)*)?),)*
                    Op::Illegal | Op::Undecoded => return Err(illegal(d)),
                }
            };
        }
        instructions!(dispatch);
        Ok(next)
    }

    /// sret is illegal in U-mode, and in S-mode when mstatus.TSR = 1 (spec 3.1.6.5).
    fn sret_allowed(&self) -> bool {
        match self.prv {
            Priv::M => true,
            Priv::S => self.csr.mstatus & mstatus::TSR == 0,
            Priv::U => false,
        }
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

    /// csrrw/csrrs/csrrc and their immediate forms (Zicsr 9.1), `src` being
    /// x[rs1] or the uimm: csrrw with rd = x0 does not read; csrrs/csrrc with
    /// rs1 = 0 (register or uimm) do not write.
    fn zicsr(&mut self, bus: &mut Bus, d: Decoded, op: CsrOp, src: u64) -> Result<(), Exception> {
        let n = d.imm as u16 & 0xfff;
        let (read, write) = match op {
            CsrOp::Write => (d.rd != 0, true),
            CsrOp::Set | CsrOp::Clear => (true, d.rs1 != 0),
        };
        let old = if read { self.csr_read(bus, n).ok_or(illegal(d))? } else { 0 };
        if write {
            // The read-modify-write of mip uses the software-writable SEIP, not
            // the PLIC's line (spec 3.1.9).
            let base = if n == sv39_arch::csr::MIP { old & !mip::SEIP | self.csr.mip_sw & mip::SEIP } else { old };
            let value = match op {
                CsrOp::Write => src,
                CsrOp::Set => base | src,
                CsrOp::Clear => base & !src,
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

    /// AMOs (8.4): a store-permission translation, then read-modify-write;
    /// `op` gives the value stored from the old value and rs2, both
    /// sign-extended. Harts are interleaved on one host thread, so this is atomic.
    fn amo<T: Word>(
        &mut self,
        bus: &mut Bus,
        rd: u8,
        addr: u64,
        src: u64,
        op: impl FnOnce(u64, u64) -> u64,
    ) -> Result<(), Exception> {
        if addr % T::SIZE != 0 {
            return Err(Exception::StoreAddressMisaligned(addr));
        }
        let pa = self.translate(bus, addr, crate::hart::exception::Access::Store, T::SIZE)?;
        let old = bus.read(pa, T::SIZE).ok_or(Exception::StoreAccessFault(addr))?;
        let old = sext(old, T::SIZE);
        let new = op(old, sext(src, T::SIZE));
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

/// What a Zicsr instruction does to the CSR.
#[derive(Clone, Copy)]
enum CsrOp {
    Write,
    Set,
    Clear,
}

/// A row's computation applied to its operand values (the closure's
/// parameter types come from here).
#[inline(always)]
fn alu(f: impl FnOnce(u64, u64) -> u64, a: u64, b: u64) -> u64 {
    f(a, b)
}

#[inline(always)]
fn shift(f: impl FnOnce(u64, u32) -> u64, a: u64, shamt: u32) -> u64 {
    f(a, shamt)
}

#[inline(always)]
fn branch(taken: impl FnOnce(u64, u64) -> bool, a: u64, b: u64, pc: u64, imm: u64, next: u64) -> u64 {
    if taken(a, b) { pc.wrapping_add(imm) } else { next }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::build_bus;
    use crate::bus::Clock;
    use crate::hart::decode::decode;
    use crate::mmu::walk::AdPolicy;
    use crate::mmu::Mmu;

    #[test]
    fn m_extension_corner_cases() {
        assert_eq!(div(i64::MIN, -1), i64::MIN);
        assert_eq!(rem(i64::MIN, -1), 0);
        assert_eq!(div(7, 0), -1);
        assert_eq!(rem(7, 0), 7);
        assert_eq!(div32(i32::MIN, -1), i32::MIN);
        assert_eq!(rem32(-7, 0), -7);
    }

    /// A hart in M-mode (no translation) and a bus with 1 MiB of RAM.
    fn hart() -> (Hart, Bus) {
        let bus = build_bus(1, 1 << 20, Clock::Instructions { per_tick: 1 }, Box::new(std::io::sink())).unwrap();
        (Hart::new(0, Mmu::new(AdPolicy::Update, false)), bus)
    }

    /// Runs the AMO `raw` (rd = a0, rs1 = a1, rs2 = a2) on the doubleword
    /// `mem` at RAM with a2 = `src`; returns a0 and the doubleword after.
    fn amo(raw: u32, mem: u64, src: u64) -> (u64, u64) {
        const RAM: u64 = 0x8000_0000;
        let (mut h, mut bus) = hart();
        h.store::<u64>(&mut bus, RAM, mem).unwrap();
        (h.x[11], h.x[12]) = (RAM, src);
        assert_eq!(h.execute(&mut bus, decode(raw), RAM), Ok(RAM + 4));
        (h.x[10], h.load::<u64>(&mut bus, RAM).unwrap())
    }

    /// .W AMOs see sign-extended words: amominu.w orders them as unsigned
    /// words, amomin.w as signed ones; the upper word in memory is untouched.
    #[test]
    fn amo_word_compares() {
        let minus_one = u64::MAX; // 0xffff_ffff sign-extended
        assert_eq!(amo(0xc0c5a52f, 0xffff_ffff, 1), (minus_one, 1)); // amominu.w a0, a2, (a1)
        assert_eq!(amo(0x80c5a52f, 0xffff_ffff, 1), (minus_one, 0xffff_ffff)); // amomin.w a0, a2, (a1)
        assert_eq!(amo(0xe0c5a52f, 0x7fff_ffff, 0x1_8000_0000), (0x7fff_ffff, 0x8000_0000)); // amomaxu.w
        assert_eq!(amo(0xa0c5a52f, 0x7fff_ffff, 0x1_8000_0000), (0x7fff_ffff, 0x7fff_ffff)); // amomax.w
        assert_eq!(amo(0xe0c5b52f, 5, 3), (5, 5)); // amomaxu.d a0, a2, (a1)
        assert_eq!(amo(0xc0c5b52f, minus_one, 3), (minus_one, 3)); // amominu.d a0, a2, (a1)
    }
}
