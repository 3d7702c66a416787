//! The decoded form of one instruction: what the decoder produces, the executor
//! runs and the disassembler prints. Compressed instructions decode to the same
//! operations as their 32-bit expansions.

/// One operation of RV64IMAFDC + Zicsr + Zifencei and the privileged instructions.
///
/// `Undecoded` marks an empty slot in the decode cache; `Illegal` is any encoding
/// that is not implemented (it raises illegal-instruction with the raw bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Op {
    #[default]
    Undecoded,
    Illegal,
    // RV64I (unprivileged spec chapters 2 and 5)
    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw,
    Addw, Subw, Sllw, Srlw, Sraw,
    Fence, FenceI, Ecall, Ebreak,
    // M (chapter 7)
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu,
    Mulw, Divw, Divuw, Remw, Remuw,
    // A (chapter 8)
    LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
    // Zicsr (chapter 9); `imm` holds the CSR number, `rs1` the register or uimm.
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,
    // Privileged (privileged spec 3.3, 4.2.1)
    Mret, Sret, Wfi, SfenceVma,
    // F (chapter "F" Extension for Single-Precision Floating-Point); all run
    // out of line in `hart::fpu`.
    Flw, Fsw,
    FmaddS, FmsubS, FnmsubS, FnmaddS,
    FaddS, FsubS, FmulS, FdivS, FsqrtS,
    FsgnjS, FsgnjnS, FsgnjxS, FminS, FmaxS,
    FcvtWS, FcvtWuS, FcvtLS, FcvtLuS, FcvtSW, FcvtSWu, FcvtSL, FcvtSLu,
    FmvXW, FmvWX, FeqS, FltS, FleS, FclassS,
    // D (chapter "D" Extension for Double-Precision Floating-Point).
    Fld, Fsd,
    FmaddD, FmsubD, FnmsubD, FnmaddD,
    FaddD, FsubD, FmulD, FdivD, FsqrtD,
    FsgnjD, FsgnjnD, FsgnjxD, FminD, FmaxD,
    FcvtWD, FcvtWuD, FcvtLD, FcvtLuD, FcvtDW, FcvtDWu, FcvtDL, FcvtDLu,
    FcvtSD, FcvtDS,
    FmvXD, FmvDX, FeqD, FltD, FleD, FclassD,
}

/// A decoded instruction: 16 bytes, copied out of the decode cache on each fetch.
///
/// `imm` is the sign-extended immediate named by the format (`i_imm`, `s_imm`,
/// `b_imm`, `u_imm`, `j_imm`), the shift amount for shifts, the CSR number, or
/// fence's fm/pred/succ bits; for floating-point computations, the rounding
/// mode `rm` in bits 2:0 and, for the fused multiply-adds, `rs3` in bits 7:3
/// (see [`Decoded::rm`], [`Decoded::rs3`]). `raw` is the instruction as fetched (16 bits for
/// compressed forms): it is `mtval` for illegal-instruction. `len` (2 or 4)
/// is derived from `raw` once, here, instead of on every execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Decoded {
    pub op: Op,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub imm: i32,
    pub raw: u32,
    pub len: u8,
}

impl Decoded {
    pub const fn new(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32, raw: u32) -> Decoded {
        let len = if raw & 3 == 3 { 4 } else { 2 };
        Decoded { op, rd, rs1, rs2, imm, raw, len }
    }

    pub const fn illegal(raw: u32) -> Decoded {
        Decoded::new(Op::Illegal, 0, 0, 0, 0, raw)
    }

    /// The rounding-mode field of a floating-point computation (7 = dynamic).
    pub const fn rm(&self) -> u8 {
        (self.imm & 7) as u8
    }

    /// The third source register of a fused multiply-add (R4 format).
    pub const fn rs3(&self) -> u8 {
        (self.imm >> 3 & 31) as u8
    }
}
