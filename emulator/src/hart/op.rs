//! The decoded form of one instruction: what the decoder produces, the executor
//! runs and the disassembler prints. Compressed instructions decode to the same
//! operations as their 32-bit expansions; the operations are the rows of the
//! instruction table (`hart::isa`).

pub use super::isa::Op;

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
