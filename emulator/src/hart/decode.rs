//! Instruction decoding: raw bits to `Decoded`, written once and shared by the
//! executor and the disassembler.
//!
//! 32-bit instructions are matched against `OPCODES`, the (mask, match) rows of
//! the instruction table (`hart::isa`), whose operand syntax names the fields
//! to extract; 16-bit instructions are decoded by quadrant straight into their
//! 32-bit expansions (unprivileged spec, "C" Standard Extension for Compressed
//! Instructions, RVC Instruction Set Listings).

use super::isa::{Syntax, OPCODES};
use super::op::{Decoded, Op};

/// Decodes one instruction. If the low two bits are not `11` it is a 16-bit
/// compressed instruction held in the low half of `raw`.
pub fn decode(raw: u32) -> Decoded {
    if raw & 3 != 3 {
        return decode_compressed(raw & 0xffff);
    }
    OPCODES
        .iter()
        .find(|row| raw & row.mask == row.bits)
        .map_or(Decoded::illegal(raw), |row| fields(row.op, raw))
}

// ---------------------------------------------------------------------------
// Immediates (unprivileged spec, "Immediate Encoding Variants").

/// Gathers instruction bits into an immediate: each `(hi, lo, at)` moves
/// `inst[hi:lo]` to `imm[at + hi - lo : at]`.
fn gather(inst: u32, pieces: &[(u32, u32, u32)]) -> u32 {
    pieces.iter().fold(0, |imm, &(hi, lo, at)| {
        let width = hi - lo + 1;
        imm | (inst >> lo & ((1 << width) - 1)) << at
    })
}

/// Sign-extends the low `bits` bits of `x`.
fn sext(x: u32, bits: u32) -> i32 {
    ((x << (32 - bits)) as i32) >> (32 - bits)
}

fn i_imm(inst: u32) -> i32 {
    inst as i32 >> 20
}

fn s_imm(inst: u32) -> i32 {
    sext(gather(inst, &[(31, 25, 5), (11, 7, 0)]), 12)
}

fn b_imm(inst: u32) -> i32 {
    sext(gather(inst, &[(31, 31, 12), (7, 7, 11), (30, 25, 5), (11, 8, 1)]), 13)
}

fn u_imm(inst: u32) -> i32 {
    (inst & 0xffff_f000) as i32
}

fn j_imm(inst: u32) -> i32 {
    sext(gather(inst, &[(31, 31, 20), (19, 12, 12), (20, 20, 11), (30, 21, 1)]), 21)
}

/// Shift amount of slli/srli/srai (6 bits); the W forms' masks force bit 25 to 0.
fn shamt(inst: u32) -> i32 {
    (inst >> 20 & 0x3f) as i32
}

/// inst[31:20] unsigned: the CSR number of Zicsr, fm/pred/succ of fence.
fn uimm12(inst: u32) -> i32 {
    (inst >> 20) as i32
}

fn rd(inst: u32) -> u8 {
    (inst >> 7 & 31) as u8
}

fn rs1(inst: u32) -> u8 {
    (inst >> 15 & 31) as u8
}

fn rs2(inst: u32) -> u8 {
    (inst >> 20 & 31) as u8
}

/// The rounding mode of a floating-point computation, inst[14:12].
fn rm(inst: u32) -> i32 {
    (inst >> 12 & 7) as i32
}

/// The third source of the R4 format, inst[31:27].
fn rs3(inst: u32) -> i32 {
    (inst >> 27) as i32
}

// ---------------------------------------------------------------------------
// 32-bit instructions.

/// The fields `syntax` names, taken from `raw` in the spec's instruction
/// formats; the others are left zero.
fn fields(op: Op, raw: u32) -> Decoded {
    use Syntax::*;
    let d = |rd, rs1, rs2, imm| Decoded::new(op, rd, rs1, rs2, imm, raw);
    match op.syntax() {
        // Static rounding modes 101 and 110 are reserved ("Rounding mode
        // encoding"); the dynamic 111 is checked against frm when executed.
        FrdFrs1Frs2Frs3Rm | FrdFrs1Frs2Rm | FrdFrs1Rm | RdFrs1Rm | FrdRs1Rm if matches!(rm(raw), 5 | 6) => {
            Decoded::illegal(raw)
        }
        // R-type (also LR and fmv/fclass, whose masks force rs2 = 0, and
        // sfence.vma, whose mask forces rd = 0).
        RdRs1Rs2 | Lr | Amo | Rs1Rs2 | RdFrs1 | FrdRs1 | RdFrs1Frs2 | FrdFrs1Frs2 => d(rd(raw), rs1(raw), rs2(raw), 0),
        RdRs1Imm | RdImmRs1 | FrdImmRs1 => d(rd(raw), rs1(raw), 0, i_imm(raw)),
        Rs2ImmRs1 | Frs2ImmRs1 => d(0, rs1(raw), rs2(raw), s_imm(raw)),
        Branch => d(0, rs1(raw), rs2(raw), b_imm(raw)),
        Upper => d(rd(raw), 0, 0, u_imm(raw)),
        Jal => d(rd(raw), 0, 0, j_imm(raw)),
        Shift => d(rd(raw), rs1(raw), 0, shamt(raw)),
        // rs1 is the register or the 5-bit uimm.
        Csr | CsrImm => d(rd(raw), rs1(raw), 0, uimm12(raw)),
        // rd and rs1 are ignored, as base implementations must ("Memory
        // Ordering Instructions").
        Fence => d(0, 0, 0, uimm12(raw)),
        // fence.i's fields are ignored too.
        Bare => d(0, 0, 0, 0),
        // rs2 stays: fcvt's fixed rs2 field names the other format.
        FrdFrs1Frs2Rm | FrdFrs1Rm | RdFrs1Rm | FrdRs1Rm => d(rd(raw), rs1(raw), rs2(raw), rm(raw)),
        FrdFrs1Frs2Frs3Rm => d(rd(raw), rs1(raw), rs2(raw), rm(raw) | rs3(raw) << 3),
    }
}

// ---------------------------------------------------------------------------
// 16-bit instructions ("C" extension). Fields are named as in the RVC formats:
// rd/rs1 in inst[11:7], rs2 in inst[6:2], and the 3-bit rd'/rs1'/rs2' in
// inst[4:2] and inst[9:7], which name x8..x15.

const SP: u8 = 2;
const RA: u8 = 1;

fn c_rs2(c: u32) -> u8 {
    (c >> 2 & 31) as u8
}

/// rd' or rs2' in inst[4:2].
fn c_rdp(c: u32) -> u8 {
    8 + (c >> 2 & 7) as u8
}

/// rs1' (also rd') in inst[9:7].
fn c_rs1p(c: u32) -> u8 {
    8 + (c >> 7 & 7) as u8
}

/// CI: imm[5] in inst[12], imm[4:0] in inst[6:2], sign-extended (c.addi, c.li, ...).
fn ci_imm(c: u32) -> i32 {
    sext(gather(c, &[(12, 12, 5), (6, 2, 0)]), 6)
}

/// CI shift amount: shamt[5] in inst[12], shamt[4:0] in inst[6:2], unsigned.
fn c_shamt(c: u32) -> i32 {
    gather(c, &[(12, 12, 5), (6, 2, 0)]) as i32
}

/// c.lui: nzimm[17|16:12].
fn c_lui_imm(c: u32) -> i32 {
    ci_imm(c) << 12
}

/// c.addi16sp: nzimm[9|4|6|8:7|5].
fn c_addi16sp_imm(c: u32) -> i32 {
    sext(gather(c, &[(12, 12, 9), (6, 6, 4), (5, 5, 6), (4, 3, 7), (2, 2, 5)]), 10)
}

/// CIW (c.addi4spn): nzuimm[5:4|9:6|2|3] in inst[12:5].
fn ciw_imm(c: u32) -> i32 {
    gather(c, &[(12, 11, 4), (10, 7, 6), (6, 6, 2), (5, 5, 3)]) as i32
}

/// CL/CS word (c.lw, c.sw): uimm[5:3] in inst[12:10], uimm[2|6] in inst[6:5].
fn cl_w_imm(c: u32) -> i32 {
    gather(c, &[(12, 10, 3), (6, 6, 2), (5, 5, 6)]) as i32
}

/// CL/CS double (c.ld, c.sd): uimm[5:3] in inst[12:10], uimm[7:6] in inst[6:5].
fn cl_d_imm(c: u32) -> i32 {
    gather(c, &[(12, 10, 3), (6, 5, 6)]) as i32
}

/// CI c.lwsp: uimm[5] in inst[12], uimm[4:2|7:6] in inst[6:2].
fn ci_lwsp_imm(c: u32) -> i32 {
    gather(c, &[(12, 12, 5), (6, 4, 2), (3, 2, 6)]) as i32
}

/// CI c.ldsp: uimm[5] in inst[12], uimm[4:3|8:6] in inst[6:2].
fn ci_ldsp_imm(c: u32) -> i32 {
    gather(c, &[(12, 12, 5), (6, 5, 3), (4, 2, 6)]) as i32
}

/// CSS c.swsp: uimm[5:2|7:6] in inst[12:7].
fn css_swsp_imm(c: u32) -> i32 {
    gather(c, &[(12, 9, 2), (8, 7, 6)]) as i32
}

/// CSS c.sdsp: uimm[5:3|8:6] in inst[12:7].
fn css_sdsp_imm(c: u32) -> i32 {
    gather(c, &[(12, 10, 3), (9, 7, 6)]) as i32
}

/// CJ (c.j): imm[11|4|9:8|10|6|7|3:1|5] in inst[12:2].
fn cj_imm(c: u32) -> i32 {
    let high = gather(c, &[(12, 12, 11), (11, 11, 4), (10, 9, 8), (8, 8, 10)]);
    let low = gather(c, &[(7, 7, 6), (6, 6, 7), (5, 3, 1), (2, 2, 5)]);
    sext(high | low, 12)
}

/// CB (c.beqz, c.bnez): imm[8|4:3] in inst[12:10], imm[7:6|2:1|5] in inst[6:2].
fn cb_imm(c: u32) -> i32 {
    sext(gather(c, &[(12, 12, 8), (11, 10, 3), (6, 5, 6), (4, 3, 1), (2, 2, 5)]), 9)
}

/// Register-immediate expansion `op rd, rs1, imm` (also loads and jalr).
fn c_imm(op: Op, rd: u8, rs1: u8, imm: i32, raw: u32) -> Decoded {
    Decoded::new(op, rd, rs1, 0, imm, raw)
}

/// Register-register expansion `op rd, rs1, rs2`.
fn c_reg(op: Op, rd: u8, rs1: u8, rs2: u8, raw: u32) -> Decoded {
    Decoded::new(op, rd, rs1, rs2, 0, raw)
}

/// Store or branch expansion `op rs2, imm(rs1)` / `op rs1, rs2, imm`.
fn c_store(op: Op, rs1: u8, rs2: u8, imm: i32, raw: u32) -> Decoded {
    Decoded::new(op, 0, rs1, rs2, imm, raw)
}

fn decode_compressed(c: u32) -> Decoded {
    match c & 3 {
        0 => quadrant0(c),
        1 => quadrant1(c),
        _ => quadrant2(c),
    }
}

/// Quadrant 0: c.addi4spn and the register-based loads and stores.
fn quadrant0(c: u32) -> Decoded {
    // inst[4:2] is rd' in the CIW and CL formats, rs2' in CS.
    let (rs1, rd, rs2) = (c_rs1p(c), c_rdp(c), c_rdp(c));
    match c >> 13 {
        // nzuimm = 0 is reserved; it includes the all-zero illegal instruction.
        0 if ciw_imm(c) != 0 => c_imm(Op::Addi, rd, SP, ciw_imm(c), c),
        2 => c_imm(Op::Lw, rd, rs1, cl_w_imm(c), c),
        1 => c_imm(Op::Fld, rd, rs1, cl_d_imm(c), c),
        3 => c_imm(Op::Ld, rd, rs1, cl_d_imm(c), c),
        5 => c_store(Op::Fsd, rs1, rs2, cl_d_imm(c), c),
        6 => c_store(Op::Sw, rs1, rs2, cl_w_imm(c), c),
        7 => c_store(Op::Sd, rs1, rs2, cl_d_imm(c), c),
        // The reserved funct3 = 100.
        _ => Decoded::illegal(c),
    }
}

/// Quadrant 1: constants, register-immediate ALU, c.j and the branches.
fn quadrant1(c: u32) -> Decoded {
    let rd = rd(c);
    match c >> 13 {
        // c.nop and c.addi, with their HINTs (rd = 0 or imm = 0).
        0 => c_imm(Op::Addi, rd, rd, ci_imm(c), c),
        1 if rd != 0 => c_imm(Op::Addiw, rd, rd, ci_imm(c), c),
        2 => c_imm(Op::Addi, rd, 0, ci_imm(c), c),
        3 if rd == SP && c_addi16sp_imm(c) != 0 => c_imm(Op::Addi, SP, SP, c_addi16sp_imm(c), c),
        3 if rd != SP && c_lui_imm(c) != 0 => c_imm(Op::Lui, rd, 0, c_lui_imm(c), c),
        4 => misc_alu(c),
        5 => c_imm(Op::Jal, 0, 0, cj_imm(c), c),
        6 => c_store(Op::Beq, c_rs1p(c), 0, cb_imm(c), c),
        7 => c_store(Op::Bne, c_rs1p(c), 0, cb_imm(c), c),
        // c.addiw with rd = 0; c.addi16sp and c.lui with a zero immediate.
        _ => Decoded::illegal(c),
    }
}

/// Quadrant 1, funct3 = 100: shifts, c.andi and the CA-format register ops.
fn misc_alu(c: u32) -> Decoded {
    let (rd, rs2) = (c_rs1p(c), c_rdp(c));
    match (c >> 10 & 3, c >> 12 & 1, c >> 5 & 3) {
        // shamt = 0 is a HINT on RV64 (c.srli64, c.srai64): a shift by zero.
        (0, _, _) => c_imm(Op::Srli, rd, rd, c_shamt(c), c),
        (1, _, _) => c_imm(Op::Srai, rd, rd, c_shamt(c), c),
        (2, _, _) => c_imm(Op::Andi, rd, rd, ci_imm(c), c),
        (3, 0, 0) => c_reg(Op::Sub, rd, rd, rs2, c),
        (3, 0, 1) => c_reg(Op::Xor, rd, rd, rs2, c),
        (3, 0, 2) => c_reg(Op::Or, rd, rd, rs2, c),
        (3, 0, 3) => c_reg(Op::And, rd, rd, rs2, c),
        (3, 1, 0) => c_reg(Op::Subw, rd, rd, rs2, c),
        (3, 1, 1) => c_reg(Op::Addw, rd, rd, rs2, c),
        _ => Decoded::illegal(c),
    }
}

/// Quadrant 2: c.slli, the sp-based loads and stores, and c.jr/c.mv/c.add group.
fn quadrant2(c: u32) -> Decoded {
    let (rd, rs2) = (rd(c), c_rs2(c));
    match (c >> 13, c >> 12 & 1) {
        // rd = 0 or shamt = 0 (c.slli64) are HINTs.
        (0, _) => c_imm(Op::Slli, rd, rd, c_shamt(c), c),
        // c.fldsp may load f0: only the integer loads reserve rd = 0.
        (1, _) => c_imm(Op::Fld, rd, SP, ci_ldsp_imm(c), c),
        (2, _) if rd != 0 => c_imm(Op::Lw, rd, SP, ci_lwsp_imm(c), c),
        (3, _) if rd != 0 => c_imm(Op::Ld, rd, SP, ci_ldsp_imm(c), c),
        (4, 0) if rs2 == 0 && rd != 0 => c_imm(Op::Jalr, 0, rd, 0, c),
        (4, 0) if rs2 != 0 => c_reg(Op::Add, rd, 0, rs2, c),
        (4, 1) if rs2 == 0 && rd == 0 => c_reg(Op::Ebreak, 0, 0, 0, c),
        (4, 1) if rs2 == 0 => c_imm(Op::Jalr, RA, rd, 0, c),
        (4, 1) => c_reg(Op::Add, rd, rd, rs2, c),
        (6, _) => c_store(Op::Sw, SP, rs2, css_swsp_imm(c), c),
        (5, _) => c_store(Op::Fsd, SP, rs2, css_sdsp_imm(c), c),
        (7, _) => c_store(Op::Sd, SP, rs2, css_sdsp_imm(c), c),
        // c.lwsp/c.ldsp with rd = 0; c.jr with rs1 = 0.
        _ => Decoded::illegal(c),
    }
}

#[cfg(test)]
mod tests {
    //! Encodings come from GNU as 2.40 (`-march=rv64imac_zicsr_zifencei`) and
    //! were checked against `objdump -M no-aliases`; each names its assembly.

    use super::*;

    /// Asserts every field of the decoded form of `raw`.
    #[track_caller]
    fn t(raw: u32, op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) {
        assert_eq!(decode(raw), Decoded::new(op, rd, rs1, rs2, imm, raw), "{raw:#010x}");
    }

    #[track_caller]
    fn illegal(raw: u32) {
        assert_eq!(decode(raw), Decoded::illegal(raw), "{raw:#010x}");
    }

    /// RV64I: "RV32I/RV64I Base Integer Instruction Set".
    #[test]
    fn rv64i() {
        t(0x12345537, Op::Lui, 10, 0, 0, 0x12345000); // lui a0, 0x12345
        t(0xfffff337, Op::Lui, 6, 0, 0, -0x1000); // lui t1, 0xfffff
        t(0x00001517, Op::Auipc, 10, 0, 0, 0x1000); // auipc a0, 0x1
        t(0x80000117, Op::Auipc, 2, 0, 0, -0x80000000); // auipc sp, 0x80000
        t(0x010000ef, Op::Jal, 1, 0, 0, 16); // jal ra, . + 16
        t(0xff9ff06f, Op::Jal, 0, 0, 0, -8); // jal zero, . - 8
        t(0x008500e7, Op::Jalr, 1, 10, 0, 8); // jalr ra, 8(a0)
        t(0xfff28067, Op::Jalr, 0, 5, 0, -1); // jalr zero, -1(t0)
        t(0x00b50463, Op::Beq, 0, 10, 11, 8); // beq a0, a1, . + 8
        t(0xfeb51ee3, Op::Bne, 0, 10, 11, -4); // bne a0, a1, . - 4
        t(0x7eb54fe3, Op::Blt, 0, 10, 11, 4094); // blt a0, a1, . + 4094
        t(0x80b55063, Op::Bge, 0, 10, 11, -4096); // bge a0, a1, . - 4096
        t(0x00946663, Op::Bltu, 0, 8, 9, 12); // bltu s0, s1, . + 12
        t(0x01ff7863, Op::Bgeu, 0, 30, 31, 16); // bgeu t5, t6, . + 16
        t(0xfff58503, Op::Lb, 10, 11, 0, -1); // lb a0, -1(a1)
        t(0x00259503, Op::Lh, 10, 11, 0, 2); // lh a0, 2(a1)
        t(0x7ff5a503, Op::Lw, 10, 11, 0, 2047); // lw a0, 2047(a1)
        t(0x00813083, Op::Ld, 1, 2, 0, 8); // ld ra, 8(sp)
        t(0x8005c503, Op::Lbu, 10, 11, 0, -2048); // lbu a0, -2048(a1)
        t(0x0005d503, Op::Lhu, 10, 11, 0, 0); // lhu a0, 0(a1)
        t(0x0045e503, Op::Lwu, 10, 11, 0, 4); // lwu a0, 4(a1)
        t(0xfea58fa3, Op::Sb, 0, 11, 10, -1); // sb a0, -1(a1)
        t(0x00a59123, Op::Sh, 0, 11, 10, 2); // sh a0, 2(a1)
        t(0x7ea5afa3, Op::Sw, 0, 11, 10, 2047); // sw a0, 2047(a1)
        t(0x80113023, Op::Sd, 0, 2, 1, -2048); // sd ra, -2048(sp)
        t(0x00150513, Op::Addi, 10, 10, 0, 1); // addi a0, a0, 1
        t(0xfff00513, Op::Addi, 10, 0, 0, -1); // addi a0, zero, -1
        t(0xffb5a513, Op::Slti, 10, 11, 0, -5); // slti a0, a1, -5
        t(0x0055b513, Op::Sltiu, 10, 11, 0, 5); // sltiu a0, a1, 5
        t(0xfff5c513, Op::Xori, 10, 11, 0, -1); // xori a0, a1, -1
        t(0x7ff5e513, Op::Ori, 10, 11, 0, 2047); // ori a0, a1, 2047
        t(0x0ff5f513, Op::Andi, 10, 11, 0, 255); // andi a0, a1, 255
        t(0x03f59513, Op::Slli, 10, 11, 0, 63); // slli a0, a1, 0x3f
        t(0x0205d513, Op::Srli, 10, 11, 0, 32); // srli a0, a1, 0x20
        t(0x4015d513, Op::Srai, 10, 11, 0, 1); // srai a0, a1, 0x1
        t(0x00a50533, Op::Add, 10, 10, 10, 0); // add a0, a0, a0
        t(0x40c58533, Op::Sub, 10, 11, 12, 0); // sub a0, a1, a2
        t(0x00c59533, Op::Sll, 10, 11, 12, 0); // sll a0, a1, a2
        t(0x00c5a533, Op::Slt, 10, 11, 12, 0); // slt a0, a1, a2
        t(0x00c5b533, Op::Sltu, 10, 11, 12, 0); // sltu a0, a1, a2
        t(0x00c5c533, Op::Xor, 10, 11, 12, 0); // xor a0, a1, a2
        t(0x00c5d533, Op::Srl, 10, 11, 12, 0); // srl a0, a1, a2
        t(0x40c5d533, Op::Sra, 10, 11, 12, 0); // sra a0, a1, a2
        t(0x00c5e533, Op::Or, 10, 11, 12, 0); // or a0, a1, a2
        t(0x00c5f533, Op::And, 10, 11, 12, 0); // and a0, a1, a2
        t(0xfff5851b, Op::Addiw, 10, 11, 0, -1); // addiw a0, a1, -1
        t(0x01f5951b, Op::Slliw, 10, 11, 0, 31); // slliw a0, a1, 0x1f
        t(0x0015d51b, Op::Srliw, 10, 11, 0, 1); // srliw a0, a1, 0x1
        t(0x4055d51b, Op::Sraiw, 10, 11, 0, 5); // sraiw a0, a1, 0x5
        t(0x00c5853b, Op::Addw, 10, 11, 12, 0); // addw a0, a1, a2
        t(0x40c5853b, Op::Subw, 10, 11, 12, 0); // subw a0, a1, a2
        t(0x00c5953b, Op::Sllw, 10, 11, 12, 0); // sllw a0, a1, a2
        t(0x00c5d53b, Op::Srlw, 10, 11, 12, 0); // srlw a0, a1, a2
        t(0x40c5d53b, Op::Sraw, 10, 11, 12, 0); // sraw a0, a1, a2
        t(0x7ffff06f, Op::Jal, 0, 0, 0, 1048574); // jal zero, . + 1048574
        t(0x8000006f, Op::Jal, 0, 0, 0, -1048576); // jal zero, . - 1048576
        t(0x80000537, Op::Lui, 10, 0, 0, -0x80000000); // lui a0, 0x80000
        t(0x80050513, Op::Addi, 10, 10, 0, -2048); // addi a0, a0, -2048
        t(0x80a590a3, Op::Sh, 0, 11, 10, -2047); // sh a0, -2047(a1)
    }

    /// fence (every fm/pred/succ decodes to Fence), fence.i, ecall, ebreak.
    #[test]
    fn fence_and_environment() {
        t(0x0ff0000f, Op::Fence, 0, 0, 0, 0xff); // fence iorw, iorw
        t(0x0210000f, Op::Fence, 0, 0, 0, 0x21); // fence r, w
        t(0x8330000f, Op::Fence, 0, 0, 0, 0x833); // fence.tso
        t(0x0100000f, Op::Fence, 0, 0, 0, 0x10); // pause
        t(0x0000100f, Op::FenceI, 0, 0, 0, 0); // fence.i
        t(0x00000073, Op::Ecall, 0, 0, 0, 0); // ecall
        t(0x00100073, Op::Ebreak, 0, 0, 0, 0); // ebreak
        t(0x0000000f, Op::Fence, 0, 0, 0, 0x000); // fence 0, 0 (empty sets)
        t(0x8000000f, Op::Fence, 0, 0, 0, 0x800); // fence with reserved fm = 1000, pred = succ = 0
        t(0x0005000f, Op::Fence, 0, 0, 0, 0x000); // fence with rs1 = a0 (ignored)
        t(0xfff5150f, Op::FenceI, 0, 0, 0, 0); // fence.i with rd = rs1 = a0, imm = -1 (ignored)
    }

    /// "M" Extension for Integer Multiplication and Division.
    #[test]
    fn m() {
        t(0x02c58533, Op::Mul, 10, 11, 12, 0); // mul a0, a1, a2
        t(0x02c59533, Op::Mulh, 10, 11, 12, 0); // mulh a0, a1, a2
        t(0x02c5a533, Op::Mulhsu, 10, 11, 12, 0); // mulhsu a0, a1, a2
        t(0x02c5b533, Op::Mulhu, 10, 11, 12, 0); // mulhu a0, a1, a2
        t(0x02c5c533, Op::Div, 10, 11, 12, 0); // div a0, a1, a2
        t(0x02c5d533, Op::Divu, 10, 11, 12, 0); // divu a0, a1, a2
        t(0x02c5e533, Op::Rem, 10, 11, 12, 0); // rem a0, a1, a2
        t(0x02c5f533, Op::Remu, 10, 11, 12, 0); // remu a0, a1, a2
        t(0x02c5853b, Op::Mulw, 10, 11, 12, 0); // mulw a0, a1, a2
        t(0x02c5c53b, Op::Divw, 10, 11, 12, 0); // divw a0, a1, a2
        t(0x02c5d53b, Op::Divuw, 10, 11, 12, 0); // divuw a0, a1, a2
        t(0x02c5e53b, Op::Remw, 10, 11, 12, 0); // remw a0, a1, a2
        t(0x02c5f53b, Op::Remuw, 10, 11, 12, 0); // remuw a0, a1, a2
    }

    /// "A" Extension: every AMO, .W and .D; aq/rl are ignored by the decoder.
    #[test]
    fn a() {
        t(0x1005a52f, Op::LrW, 10, 11, 0, 0); // lr.w a0, (a1)
        t(0x18c5a52f, Op::ScW, 10, 11, 12, 0); // sc.w a0, a2, (a1)
        t(0x08c5a52f, Op::AmoswapW, 10, 11, 12, 0); // amoswap.w a0, a2, (a1)
        t(0x00c5a52f, Op::AmoaddW, 10, 11, 12, 0); // amoadd.w a0, a2, (a1)
        t(0x20c5a52f, Op::AmoxorW, 10, 11, 12, 0); // amoxor.w a0, a2, (a1)
        t(0x60c5a52f, Op::AmoandW, 10, 11, 12, 0); // amoand.w a0, a2, (a1)
        t(0x40c5a52f, Op::AmoorW, 10, 11, 12, 0); // amoor.w a0, a2, (a1)
        t(0x80c5a52f, Op::AmominW, 10, 11, 12, 0); // amomin.w a0, a2, (a1)
        t(0xa0c5a52f, Op::AmomaxW, 10, 11, 12, 0); // amomax.w a0, a2, (a1)
        t(0xc0c5a52f, Op::AmominuW, 10, 11, 12, 0); // amominu.w a0, a2, (a1)
        t(0xe0c5a52f, Op::AmomaxuW, 10, 11, 12, 0); // amomaxu.w a0, a2, (a1)
        t(0x1405b52f, Op::LrD, 10, 11, 0, 0); // lr.d.aq a0, (a1)
        t(0x1ac5b52f, Op::ScD, 10, 11, 12, 0); // sc.d.rl a0, a2, (a1)
        t(0x0ec5b52f, Op::AmoswapD, 10, 11, 12, 0); // amoswap.d.aqrl a0, a2, (a1)
        t(0x00c5b52f, Op::AmoaddD, 10, 11, 12, 0); // amoadd.d a0, a2, (a1)
        t(0x20c5b52f, Op::AmoxorD, 10, 11, 12, 0); // amoxor.d a0, a2, (a1)
        t(0x60c5b52f, Op::AmoandD, 10, 11, 12, 0); // amoand.d a0, a2, (a1)
        t(0x40c5b52f, Op::AmoorD, 10, 11, 12, 0); // amoor.d a0, a2, (a1)
        t(0x80c5b52f, Op::AmominD, 10, 11, 12, 0); // amomin.d a0, a2, (a1)
        t(0xa0c5b52f, Op::AmomaxD, 10, 11, 12, 0); // amomax.d a0, a2, (a1)
        t(0xc0c5b52f, Op::AmominuD, 10, 11, 12, 0); // amominu.d a0, a2, (a1)
        t(0xe4c5b52f, Op::AmomaxuD, 10, 11, 12, 0); // amomaxu.d.aq a0, a2, (a1)
    }

    /// Zicsr: imm is the CSR number, rs1 the register or 5-bit uimm.
    #[test]
    fn zicsr() {
        t(0x30051073, Op::Csrrw, 0, 10, 0, 0x300); // csrrw zero, mstatus, a0
        t(0x18002573, Op::Csrrs, 10, 0, 0, 0x180); // csrrs a0, satp, zero
        t(0x1005b573, Op::Csrrc, 10, 11, 0, 0x100); // csrrc a0, sstatus, a1
        t(0x305fd073, Op::Csrrwi, 0, 31, 0, 0x305); // csrrwi zero, mtvec, 31
        t(0x30446573, Op::Csrrsi, 10, 8, 0, 0x304); // csrrsi a0, mie, 8
        t(0x7c00f573, Op::Csrrci, 10, 1, 0, 0x7c0); // csrrci a0, 0x7c0, 1
        t(0xfff02573, Op::Csrrs, 10, 0, 0, 0xfff); // csrrs a0, 0xfff, zero
    }

    /// Privileged: trap return, wfi, sfence.vma (rs1, rs2 kept).
    #[test]
    fn privileged() {
        t(0x30200073, Op::Mret, 0, 0, 0, 0); // mret
        t(0x10200073, Op::Sret, 0, 0, 0, 0); // sret
        t(0x10500073, Op::Wfi, 0, 0, 0, 0); // wfi
        t(0x12000073, Op::SfenceVma, 0, 0, 0, 0); // sfence.vma zero, zero
        t(0x12b50073, Op::SfenceVma, 0, 10, 11, 0); // sfence.vma a0, a1
    }

    /// RVC quadrant 0: c.addi4spn and register-based loads and stores.
    #[test]
    fn compressed_quadrant0() {
        t(0x0028, Op::Addi, 10, 2, 0, 8); // c.addi4spn a0, sp, 8
        t(0x1fe4, Op::Addi, 9, 2, 0, 1020); // c.addi4spn s1, sp, 1020
        t(0x41c8, Op::Lw, 10, 11, 0, 4); // c.lw a0, 4(a1)
        t(0x5c7c, Op::Lw, 15, 8, 0, 124); // c.lw a5, 124(s0)
        t(0x6588, Op::Ld, 10, 11, 0, 8); // c.ld a0, 8(a1)
        t(0x7c7c, Op::Ld, 15, 8, 0, 248); // c.ld a5, 248(s0)
        t(0xc1c8, Op::Sw, 0, 11, 10, 4); // c.sw a0, 4(a1)
        t(0xfde8, Op::Sd, 0, 11, 10, 248); // c.sd a0, 248(a1)
    }

    /// RVC quadrant 1: expansions to addi, addiw, lui, shifts, CA ops, jal, branches.
    #[test]
    fn compressed_quadrant1() {
        t(0x0001, Op::Addi, 0, 0, 0, 0); // c.nop
        t(0x0505, Op::Addi, 10, 10, 0, 1); // c.addi a0, 1
        t(0x1501, Op::Addi, 10, 10, 0, -32); // c.addi a0, -32
        t(0x357d, Op::Addiw, 10, 10, 0, -1); // c.addiw a0, -1
        t(0x237d, Op::Addiw, 6, 6, 0, 31); // c.addiw t1, 31
        t(0x4505, Op::Addi, 10, 0, 0, 1); // c.li a0, 1
        t(0x5501, Op::Addi, 10, 0, 0, -32); // c.li a0, -32
        t(0x717d, Op::Addi, 2, 2, 0, -16); // c.addi16sp sp, -16
        t(0x617d, Op::Addi, 2, 2, 0, 496); // c.addi16sp sp, 496
        t(0x7101, Op::Addi, 2, 2, 0, -512); // c.addi16sp sp, -512
        t(0x6505, Op::Lui, 10, 0, 0, 0x1000); // c.lui a0, 0x1
        t(0x657d, Op::Lui, 10, 0, 0, 0x1f000); // c.lui a0, 0x1f
        t(0x7301, Op::Lui, 6, 0, 0, -0x20000); // c.lui t1, 0xfffe0
        t(0x810d, Op::Srli, 10, 10, 0, 3); // c.srli a0, 0x3
        t(0x93fd, Op::Srli, 15, 15, 0, 63); // c.srli a5, 0x3f
        t(0x9501, Op::Srai, 10, 10, 0, 32); // c.srai a0, 0x20
        t(0x890d, Op::Andi, 10, 10, 0, 3); // c.andi a0, 3
        t(0x997d, Op::Andi, 10, 10, 0, -1); // c.andi a0, -1
        t(0x8d0d, Op::Sub, 10, 10, 11, 0); // c.sub a0, a1
        t(0x8d2d, Op::Xor, 10, 10, 11, 0); // c.xor a0, a1
        t(0x8d4d, Op::Or, 10, 10, 11, 0); // c.or a0, a1
        t(0x8d6d, Op::And, 10, 10, 11, 0); // c.and a0, a1
        t(0x9d0d, Op::Subw, 10, 10, 11, 0); // c.subw a0, a1
        t(0x9d2d, Op::Addw, 10, 10, 11, 0); // c.addw a0, a1
        t(0xa021, Op::Jal, 0, 0, 0, 8); // c.j . + 8
        t(0xb001, Op::Jal, 0, 0, 0, -2048); // c.j . - 2048
        t(0xaffd, Op::Jal, 0, 0, 0, 2046); // c.j . + 2046
        t(0xd101, Op::Beq, 0, 10, 0, -256); // c.beqz a0, . - 256
        t(0xed7d, Op::Bne, 0, 10, 0, 254); // c.bnez a0, . + 254
        t(0xc091, Op::Beq, 0, 9, 0, 4); // c.beqz s1, . + 4
    }

    /// RVC quadrant 2: c.slli, sp-based loads and stores, jr/jalr/mv/add/ebreak.
    #[test]
    fn compressed_quadrant2() {
        t(0x050e, Op::Slli, 10, 10, 0, 3); // c.slli a0, 0x3
        t(0x137e, Op::Slli, 6, 6, 0, 63); // c.slli t1, 0x3f
        t(0x4512, Op::Lw, 10, 2, 0, 4); // c.lwsp a0, 4(sp)
        t(0x50fe, Op::Lw, 1, 2, 0, 252); // c.lwsp ra, 252(sp)
        t(0x60a2, Op::Ld, 1, 2, 0, 8); // c.ldsp ra, 8(sp)
        t(0x737e, Op::Ld, 6, 2, 0, 504); // c.ldsp t1, 504(sp)
        t(0x8082, Op::Jalr, 0, 1, 0, 0); // c.jr ra
        t(0x9502, Op::Jalr, 1, 10, 0, 0); // c.jalr a0
        t(0x852e, Op::Add, 10, 0, 11, 0); // c.mv a0, a1
        t(0x952e, Op::Add, 10, 10, 11, 0); // c.add a0, a1
        t(0x9002, Op::Ebreak, 0, 0, 0, 0); // c.ebreak
        t(0xc22a, Op::Sw, 0, 2, 10, 4); // c.swsp a0, 4(sp)
        t(0xdf86, Op::Sw, 0, 2, 1, 252); // c.swsp ra, 252(sp)
        t(0xe406, Op::Sd, 0, 2, 1, 8); // c.sdsp ra, 8(sp)
        t(0xff9a, Op::Sd, 0, 2, 6, 504); // c.sdsp t1, 504(sp)
    }

    /// F and D: loads and stores carry their offset in `imm`, OP-FP its rm
    /// (7 = dyn), R4 rm | rs3 << 3; a fixed rs2 field stays in `rs2`.
    #[test]
    fn f_and_d() {
        t(0xffc5a507, Op::Flw, 10, 11, 0, -4); // flw fa0, -4(a1)
        t(0x7ea5afa7, Op::Fsw, 0, 11, 10, 2047); // fsw fa0, 2047(a1)
        t(0x68c5f543, Op::FmaddS, 10, 11, 12, 7 | 13 << 3); // fmadd.s fa0, fa1, fa2, fa3
        t(0x68c59547, Op::FmsubS, 10, 11, 12, 1 | 13 << 3); // fmsub.s fa0, fa1, fa2, fa3, rtz
        t(0x1820a04b, Op::FnmsubS, 0, 1, 2, 2 | 3 << 3); // fnmsub.s ft0, ft1, ft2, ft3, rdn
        t(0xf924b44f, Op::FnmaddS, 8, 9, 18, 3 | 31 << 3); // fnmadd.s fs0, fs1, fs2, ft11, rup
        t(0x00c5f553, Op::FaddS, 10, 11, 12, 7); // fadd.s fa0, fa1, fa2
        t(0x08c58553, Op::FsubS, 10, 11, 12, 0); // fsub.s fa0, fa1, fa2, rne
        t(0x10c5c553, Op::FmulS, 10, 11, 12, 4); // fmul.s fa0, fa1, fa2, rmm
        t(0x18c59553, Op::FdivS, 10, 11, 12, 1); // fdiv.s fa0, fa1, fa2, rtz
        t(0x5805f553, Op::FsqrtS, 10, 11, 0, 7); // fsqrt.s fa0, fa1
        t(0x20c58553, Op::FsgnjS, 10, 11, 12, 0); // fsgnj.s fa0, fa1, fa2
        t(0x20c59553, Op::FsgnjnS, 10, 11, 12, 0); // fsgnjn.s fa0, fa1, fa2
        t(0x20c5a553, Op::FsgnjxS, 10, 11, 12, 0); // fsgnjx.s fa0, fa1, fa2
        t(0x28c58553, Op::FminS, 10, 11, 12, 0); // fmin.s fa0, fa1, fa2
        t(0x28c59553, Op::FmaxS, 10, 11, 12, 0); // fmax.s fa0, fa1, fa2
        t(0xc0059553, Op::FcvtWS, 10, 11, 0, 1); // fcvt.w.s a0, fa1, rtz
        t(0xc015f553, Op::FcvtWuS, 10, 11, 1, 7); // fcvt.wu.s a0, fa1
        t(0xc0258553, Op::FcvtLS, 10, 11, 2, 0); // fcvt.l.s a0, fa1, rne
        t(0xc035a553, Op::FcvtLuS, 10, 11, 3, 2); // fcvt.lu.s a0, fa1, rdn
        t(0xd005f553, Op::FcvtSW, 10, 11, 0, 7); // fcvt.s.w fa0, a1
        t(0xd015b553, Op::FcvtSWu, 10, 11, 1, 3); // fcvt.s.wu fa0, a1, rup
        t(0xd025f553, Op::FcvtSL, 10, 11, 2, 7); // fcvt.s.l fa0, a1
        t(0xd035c553, Op::FcvtSLu, 10, 11, 3, 4); // fcvt.s.lu fa0, a1, rmm
        t(0xe0058553, Op::FmvXW, 10, 11, 0, 0); // fmv.x.w a0, fa1
        t(0xf0058553, Op::FmvWX, 10, 11, 0, 0); // fmv.w.x fa0, a1
        t(0xa0c5a553, Op::FeqS, 10, 11, 12, 0); // feq.s a0, fa1, fa2
        t(0xa0c59553, Op::FltS, 10, 11, 12, 0); // flt.s a0, fa1, fa2
        t(0xa0c58553, Op::FleS, 10, 11, 12, 0); // fle.s a0, fa1, fa2
        t(0xe0059553, Op::FclassS, 10, 11, 0, 0); // fclass.s a0, fa1
        t(0x00813007, Op::Fld, 0, 2, 0, 8); // fld ft0, 8(sp)
        t(0x81f13027, Op::Fsd, 0, 2, 31, -2048); // fsd ft11, -2048(sp)
        t(0x6ac5f543, Op::FmaddD, 10, 11, 12, 7 | 13 << 3); // fmadd.d fa0, fa1, fa2, fa3
        t(0x6ac5f547, Op::FmsubD, 10, 11, 12, 7 | 13 << 3); // fmsub.d fa0, fa1, fa2, fa3
        t(0x6ac5f54b, Op::FnmsubD, 10, 11, 12, 7 | 13 << 3); // fnmsub.d fa0, fa1, fa2, fa3
        t(0xdbcecf4f, Op::FnmaddD, 30, 29, 28, 4 | 27 << 3); // fnmadd.d ft10, ft9, ft8, fs11, rmm
        t(0x02c5f553, Op::FaddD, 10, 11, 12, 7); // fadd.d fa0, fa1, fa2
        t(0x0ac5f553, Op::FsubD, 10, 11, 12, 7); // fsub.d fa0, fa1, fa2
        t(0x12c5f553, Op::FmulD, 10, 11, 12, 7); // fmul.d fa0, fa1, fa2
        t(0x1ac5f553, Op::FdivD, 10, 11, 12, 7); // fdiv.d fa0, fa1, fa2
        t(0x5a059553, Op::FsqrtD, 10, 11, 0, 1); // fsqrt.d fa0, fa1, rtz
        t(0x22c58553, Op::FsgnjD, 10, 11, 12, 0); // fsgnj.d fa0, fa1, fa2
        t(0x22c59553, Op::FsgnjnD, 10, 11, 12, 0); // fsgnjn.d fa0, fa1, fa2
        t(0x22c5a553, Op::FsgnjxD, 10, 11, 12, 0); // fsgnjx.d fa0, fa1, fa2
        t(0x2ac58553, Op::FminD, 10, 11, 12, 0); // fmin.d fa0, fa1, fa2
        t(0x2ac59553, Op::FmaxD, 10, 11, 12, 0); // fmax.d fa0, fa1, fa2
        t(0xc2059553, Op::FcvtWD, 10, 11, 0, 1); // fcvt.w.d a0, fa1, rtz
        t(0xc2159553, Op::FcvtWuD, 10, 11, 1, 1); // fcvt.wu.d a0, fa1, rtz
        t(0xc2259553, Op::FcvtLD, 10, 11, 2, 1); // fcvt.l.d a0, fa1, rtz
        t(0xc2359553, Op::FcvtLuD, 10, 11, 3, 1); // fcvt.lu.d a0, fa1, rtz
        t(0xd2058553, Op::FcvtDW, 10, 11, 0, 0); // fcvt.d.w fa0, a1
        t(0xd2158553, Op::FcvtDWu, 10, 11, 1, 0); // fcvt.d.wu fa0, a1
        t(0xd225f553, Op::FcvtDL, 10, 11, 2, 7); // fcvt.d.l fa0, a1
        t(0xd235f553, Op::FcvtDLu, 10, 11, 3, 7); // fcvt.d.lu fa0, a1
        t(0x4015f553, Op::FcvtSD, 10, 11, 1, 7); // fcvt.s.d fa0, fa1
        t(0x42058553, Op::FcvtDS, 10, 11, 0, 0); // fcvt.d.s fa0, fa1
        t(0xe2058553, Op::FmvXD, 10, 11, 0, 0); // fmv.x.d a0, fa1
        t(0xf2058553, Op::FmvDX, 10, 11, 0, 0); // fmv.d.x fa0, a1
        t(0xa2c5a553, Op::FeqD, 10, 11, 12, 0); // feq.d a0, fa1, fa2
        t(0xa2c59553, Op::FltD, 10, 11, 12, 0); // flt.d a0, fa1, fa2
        t(0xa2c58553, Op::FleD, 10, 11, 12, 0); // fle.d a0, fa1, fa2
        t(0xe2059553, Op::FclassD, 10, 11, 0, 0); // fclass.d a0, fa1
    }

    /// c.fld, c.fsd, c.fldsp, c.fsdsp (RV64 has no c.flw/c.fsw: those slots are c.ld/c.sd).
    #[test]
    fn compressed_fp() {
        t(0x2588, Op::Fld, 10, 11, 0, 8); // c.fld fa0, 8(a1)
        t(0x3fe0, Op::Fld, 8, 15, 0, 248); // c.fld fs0, 248(a5)
        t(0xa588, Op::Fsd, 0, 11, 10, 8); // c.fsd fa0, 8(a1)
        t(0xbfe4, Op::Fsd, 0, 15, 9, 248); // c.fsd fs1, 248(a5)
        t(0x2002, Op::Fld, 0, 2, 0, 0); // c.fldsp ft0, 0(sp): rd = 0 is legal here
        t(0x357e, Op::Fld, 10, 2, 0, 504); // c.fldsp fa0, 504(sp)
        t(0xa002, Op::Fsd, 0, 2, 0, 0); // c.fsdsp ft0, 0(sp)
        t(0xbfaa, Op::Fsd, 0, 2, 10, 504); // c.fsdsp fa0, 504(sp)
    }

    /// Reserved F/D encodings: static rm 101/110, unknown fmt, wrong rs2 or funct3.
    #[test]
    fn illegal_fp() {
        illegal(0x00c5d553); // fadd.s fa0, fa1, fa2 with rm = 101
        illegal(0x00c5e553); // fadd.s fa0, fa1, fa2 with rm = 110
        illegal(0x68c5d543); // fmadd.s fa0, fa1, fa2, fa3 with rm = 101
        illegal(0xd205e553); // fcvt.d.w fa0, a1 with rm = 110
        illegal(0x04c5f553); // fadd with fmt = 10 (H: not implemented)
        illegal(0x06c5f553); // fadd with fmt = 11 (Q: not implemented)
        illegal(0x6cc5f543); // fmadd with fmt = 10
        illegal(0x5815f553); // fsqrt.s with rs2 = 1
        illegal(0x20c5b553); // fsgnj.s with funct3 = 011
        illegal(0x28c5a553); // fmin.s with funct3 = 010
        illegal(0xa0c5b553); // feq.s with funct3 = 011
        illegal(0xc045f553); // fcvt.w.s with rs2 = 4
        illegal(0x4005f553); // fcvt.s.s (rs2 = fmt = S)
        illegal(0xe0059553 | 1 << 20); // fclass.s with rs2 = 1
        illegal(0xe005a553); // fmv.x.w with funct3 = 010
        illegal(0x0005c507); // LOAD-FP with funct3 = 100 (flq)
        illegal(0x00a5c027); // STORE-FP with funct3 = 100 (fsq)
        illegal(0x00a59027); // STORE-FP with funct3 = 001 (fsh: no Zfh)
    }

    /// RVC HINTs decode to their ordinary operation; writes to x0 are dropped
    /// by the executor.
    #[test]
    fn compressed_hints() {
        t(0x0005, Op::Addi, 0, 0, 0, 1); // c.nop 1 (c.addi zero, 1)
        t(0x0081, Op::Addi, 1, 1, 0, 0); // c.addi ra, 0
        t(0x4001, Op::Addi, 0, 0, 0, 0); // c.li zero, 0
        t(0x6005, Op::Lui, 0, 0, 0, 0x1000); // c.lui zero, 0x1
        t(0x802e, Op::Add, 0, 0, 11, 0); // c.mv zero, a1
        t(0x902e, Op::Add, 0, 0, 11, 0); // c.add zero, a1
        t(0x0016, Op::Slli, 0, 0, 0, 5); // c.slli zero, 5
        t(0x0502, Op::Slli, 10, 10, 0, 0); // c.slli64 a0
        t(0x8001, Op::Srli, 8, 8, 0, 0); // c.srli64 s0
        t(0x8401, Op::Srai, 8, 8, 0, 0); // c.srai64 s0
        t(0x2081, Op::Addiw, 1, 1, 0, 0); // c.addiw ra, 0 (sext.w ra: valid, not a HINT)
    }

    /// Reserved and illegal 16-bit encodings (RVC Instruction Set Listings).
    #[test]
    fn compressed_illegal() {
        illegal(0x0000); // all-zero halfword: defined illegal instruction
        illegal(0x0004); // c.addi4spn s1, sp, 0: nzuimm = 0 reserved
        illegal(0x8000); // quadrant 0, funct3 = 100: reserved
        illegal(0x2001); // c.addiw zero, 0: rd = 0 reserved
        illegal(0x2005); // c.addiw zero, 1: rd = 0 reserved
        illegal(0x6101); // c.addi16sp sp, 0: nzimm = 0 reserved
        illegal(0x6501); // c.lui a0, 0: nzimm = 0 reserved
        illegal(0x6001); // c.lui zero, 0: nzimm = 0 reserved
        illegal(0x4002); // c.lwsp zero, 0(sp): rd = 0 reserved
        illegal(0x6002); // c.ldsp zero, 0(sp): rd = 0 reserved
        illegal(0x8002); // c.jr zero: rs1 = 0 reserved
        illegal(0x9c41); // quadrant 1 misc-alu, inst[12] = 1, funct2 = 10: reserved
        illegal(0x9c61); // quadrant 1 misc-alu, inst[12] = 1, funct2 = 11: reserved
    }

    /// Invalid funct bits, RV64 shift rules and fields that must be zero.
    #[test]
    fn illegal_32bit() {
        illegal(0x02b5959b); // slliw a0, a1, 43: shamt[5] = 1
        illegal(0x0205d51b); // srliw a0, a1, 32: shamt[5] = 1
        illegal(0x4205d51b); // sraiw a0, a1, 32: shamt[5] = 1
        illegal(0x40059513); // slli with funct6 = 010000
        illegal(0x0405d513); // srli with funct6 = 000001
        illegal(0x80c58533); // add with funct7 = 1000000
        illegal(0x40c5c533); // xor with funct7 = 0100000
        illegal(0x02c5953b); // OP-32, funct7 = 1, funct3 = 001: no mulhw
        illegal(0x00851067); // jalr with funct3 = 001
        illegal(0x0005f503); // load with funct3 = 111
        illegal(0x00a5c023); // store with funct3 = 100
        illegal(0x00b52463); // branch with funct3 = 010
        illegal(0x1015a52f); // lr.w a0, (a1) with rs2 = ra
        illegal(0x00c5852f); // AMO with funct3 = 000
        illegal(0x28c5a52f); // AMO with funct5 = 00101
        illegal(0x00000473); // ecall with rd = s0
        illegal(0x30200473); // mret with rd = s0
        illegal(0x12000473); // sfence.vma with rd = s0
        illegal(0x30054073); // SYSTEM funct3 = 100 (hypervisor loads)
        illegal(0x0000000b); // custom-0
        illegal(0xffffffff); // longer than 32 bits
    }

    /// A compressed instruction is the low halfword; the upper half is ignored.
    #[test]
    fn compressed_ignores_upper_half() {
        assert_eq!(decode(0xdead_0505), decode(0x0505)); // c.addi a0, 1
        assert_eq!(decode(0xdead_0000), Decoded::illegal(0)); // all-zero halfword
    }

    /// Every halfword decodes to a compressed form with in-range registers.
    #[test]
    fn compressed_exhaustive() {
        for c in (0..=0xffff_u32).filter(|c| c & 3 != 3) {
            let d = decode(c);
            assert_eq!((d.raw, d.len), (c, 2), "{c:#06x}");
            assert_ne!(d.op, Op::Undecoded, "{c:#06x}");
            assert!(d.rd < 32 && d.rs1 < 32 && d.rs2 < 32, "{c:#06x}");
        }
    }
}
