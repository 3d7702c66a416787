//! Disassembly of decoded instructions for traces, in the style of
//! `objdump -M no-aliases`: ABI register names, CSR names, absolute jump and
//! branch targets, and compressed mnemonics for 16-bit instructions.
//!
//! It prints a `Decoded`, so it shows exactly what the decoder produced.

use super::isa::Syntax;
use super::op::{Decoded, Op};

/// The 32-bit mnemonic of `op` (compressed forms print as their expansion).
pub fn mnemonic(op: Op) -> &'static str {
    op.mnemonic()
}

/// Disassembles `d`, fetched at `pc` (which resolves jump and branch targets).
pub fn disassemble(d: &Decoded, pc: u64) -> String {
    match d.op {
        Op::Illegal | Op::Undecoded => unknown(d),
        Op::Fence => fence(d.imm as u32),
        // The spec's c.nop; objdump -M no-aliases prints c.addi zero,0.
        _ if d.raw == C_NOP => "c.nop".into(),
        _ if d.len == 2 => join(&format!("c.{}", c_mnemonic(d)), &c_operands(d, pc)),
        _ => join(&format!("{}{}", mnemonic(d.op), ordering(d)), &operands(d, pc)),
    }
}

fn join(name: &str, operands: &str) -> String {
    if operands.is_empty() {
        name.to_owned()
    } else {
        format!("{name} {operands}")
    }
}

const C_NOP: u32 = 0x0001;

const ABI: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

fn reg(r: u8) -> &'static str {
    ABI[r as usize]
}

const FP_ABI: [&str; 32] = [
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
];

fn freg(r: u8) -> &'static str {
    FP_ABI[r as usize]
}

/// The `,rm` operand of a floating-point computation, omitted for the
/// assembler's default: rne for the exact conversions fcvt.d.w, fcvt.d.wu and
/// fcvt.d.s, dyn for the rest.
fn rounding(d: &Decoded) -> &'static str {
    const NAMES: [&str; 8] = [",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", ",dyn"];
    let default = if matches!(d.op, Op::FcvtDW | Op::FcvtDWu | Op::FcvtDS) { 0 } else { 7 };
    if d.rm() == default { "" } else { NAMES[d.rm() as usize] }
}

fn target(pc: u64, offset: i32) -> u64 {
    pc.wrapping_add(offset as i64 as u64)
}

fn csr(number: i32) -> String {
    sv39_arch::csr::name(number as u16).map_or_else(|| format!("{number:#x}"), str::to_owned)
}

/// The `.aq`/`.rl`/`.aqrl` suffix of an AMO, from inst[26:25].
fn ordering(d: &Decoded) -> &'static str {
    let amo = matches!(d.op.syntax(), Syntax::Lr | Syntax::Amo);
    match (amo, d.raw >> 25 & 3) {
        (true, 1) => ".rl",
        (true, 2) => ".aq",
        (true, 3) => ".aqrl",
        _ => "",
    }
}

/// Operands of a 32-bit instruction: f registers where the instruction reads
/// or writes them, x registers for the integer side.
fn operands(d: &Decoded, pc: u64) -> String {
    use Syntax::*;
    let (rd, rs1, rs2, imm, rm) = (reg(d.rd), reg(d.rs1), reg(d.rs2), d.imm, rounding(d));
    let (frd, frs1, frs2, frs3) = (freg(d.rd), freg(d.rs1), freg(d.rs2), freg(d.rs3()));
    match d.op.syntax() {
        Bare | Fence => String::new(),
        RdRs1Rs2 => format!("{rd},{rs1},{rs2}"),
        RdRs1Imm => format!("{rd},{rs1},{imm}"),
        Shift => format!("{rd},{rs1},{imm:#x}"),
        RdImmRs1 => format!("{rd},{imm}({rs1})"),
        Rs2ImmRs1 => format!("{rs2},{imm}({rs1})"),
        Branch => format!("{rs1},{rs2},{:#x}", target(pc, imm)),
        Jal => format!("{rd},{:#x}", target(pc, imm)),
        Upper => format!("{rd},{:#x}", imm as u32 >> 12),
        Lr => format!("{rd},({rs1})"),
        Amo => format!("{rd},{rs2},({rs1})"),
        Csr => format!("{rd},{},{rs1}", csr(imm)),
        CsrImm => format!("{rd},{},{}", csr(imm), d.rs1),
        Rs1Rs2 => format!("{rs1},{rs2}"),
        FrdImmRs1 => format!("{frd},{imm}({rs1})"),
        Frs2ImmRs1 => format!("{frs2},{imm}({rs1})"),
        FrdFrs1Frs2Frs3Rm => format!("{frd},{frs1},{frs2},{frs3}{rm}"),
        FrdFrs1Frs2Rm => format!("{frd},{frs1},{frs2}{rm}"),
        FrdFrs1Rm => format!("{frd},{frs1}{rm}"),
        RdFrs1Rm => format!("{rd},{frs1}{rm}"),
        FrdRs1Rm => format!("{frd},{rs1}{rm}"),
        RdFrs1 => format!("{rd},{frs1}"),
        FrdRs1 => format!("{frd},{rs1}"),
        RdFrs1Frs2 => format!("{rd},{frs1},{frs2}"),
        FrdFrs1Frs2 => format!("{frd},{frs1},{frs2}"),
    }
}

/// The compressed mnemonic, without its `c.` prefix, recovered from the
/// expansion and the few raw bits that tell apart forms sharing one.
fn c_mnemonic(d: &Decoded) -> &'static str {
    let (quadrant, funct3, bit12) = (d.raw & 3, d.raw >> 13, d.raw >> 12 & 1);
    match (d.op, quadrant) {
        (Op::Addi, 0) => "addi4spn",
        (Op::Addi, _) if funct3 == 2 => "li",
        (Op::Addi, _) if funct3 == 3 => "addi16sp",
        (Op::Add, _) if bit12 == 0 => "mv",
        (Op::Jalr, _) if bit12 == 0 => "jr",
        (Op::Jal, _) => "j",
        (Op::Beq, _) => "beqz",
        (Op::Bne, _) => "bnez",
        (Op::Lw, 2) => "lwsp",
        (Op::Ld, 2) => "ldsp",
        (Op::Sw, 2) => "swsp",
        (Op::Sd, 2) => "sdsp",
        (Op::Fld, 2) => "fldsp",
        (Op::Fsd, 2) => "fsdsp",
        (op, _) => mnemonic(op),
    }
}

/// Operands of a compressed instruction: those of its expansion, less the
/// implied ones (rs1 = rd, x0, ra).
fn c_operands(d: &Decoded, pc: u64) -> String {
    let (rd, rs1, rs2, imm) = (reg(d.rd), reg(d.rs1), reg(d.rs2), d.imm);
    match (d.op, d.op.syntax()) {
        (_, Syntax::Jal) => format!("{:#x}", target(pc, imm)),
        (_, Syntax::Branch) => format!("{rs1},{:#x}", target(pc, imm)),
        (Op::Jalr, _) => rs1.to_owned(),
        (_, Syntax::RdRs1Rs2) => format!("{rd},{rs2}"),
        (Op::Addi, _) if d.raw & 3 == 0 => operands(d, pc), // c.addi4spn rd', sp, nzuimm
        (_, Syntax::RdRs1Imm) => format!("{rd},{imm}"),
        (_, Syntax::Shift) => format!("{rd},{imm:#x}"),
        _ => operands(d, pc), // c.lui, loads, stores, c.ebreak
    }
}

/// fence, with objdump's names for fence.tso and pause.
fn fence(bits: u32) -> String {
    match bits {
        0x833 => "fence.tso".into(),
        0x010 => "pause".into(),
        _ => format!("fence {},{}", fence_set(bits >> 4), fence_set(bits)),
    }
}

/// A fence's predecessor or successor set, from its low four bits.
fn fence_set(bits: u32) -> String {
    const SET: [(u32, char); 4] = [(8, 'i'), (4, 'o'), (2, 'r'), (1, 'w')];
    if bits & 0xf == 0 {
        return "unknown".into();
    }
    SET.iter().filter(|&&(bit, _)| bits & bit != 0).map(|&(_, c)| c).collect()
}

/// An encoding the decoder rejected, printed as objdump 2.40 does.
fn unknown(d: &Decoded) -> String {
    match (d.len, d.raw) {
        (2, 0) => "c.unimp".into(),
        (2, raw) => format!(".2byte {raw:#x}"),
        (_, raw) => format!(".4byte {raw:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hart::decode::decode;

    /// `objdump -d -M no-aliases` (GNU binutils 2.40, `-march=rv64imac_zicsr_zifencei_zihintpause`;
    /// from 0x80001000, `-march=rv64imafdc_zicsr`)
    /// for these encodings at these addresses, with whitespace collapsed, `#`
    /// comments dropped and `<symbol>` targets written as `0x...`.
    const OBJDUMP: &str = "
        80000000: 12345537 lui a0,0x12345
        80000004: fffff337 lui t1,0xfffff
        80000008: 00001517 auipc a0,0x1
        8000000c: 80000117 auipc sp,0x80000
        80000010: 010000ef jal ra,0x80000020
        80000014: ff9ff06f jal zero,0x8000000c
        80000018: 008500e7 jalr ra,8(a0)
        8000001c: fff28067 jalr zero,-1(t0)
        80000020: 00b50463 beq a0,a1,0x80000028
        80000024: feb51ee3 bne a0,a1,0x80000020
        80000028: 7eb54fe3 blt a0,a1,0x80001026
        8000002c: 80b55063 bge a0,a1,0x7ffff02c
        80000030: 00946663 bltu s0,s1,0x8000003c
        80000034: 01ff7863 bgeu t5,t6,0x80000044
        80000038: fff58503 lb a0,-1(a1)
        8000003c: 00259503 lh a0,2(a1)
        80000040: 7ff5a503 lw a0,2047(a1)
        80000044: 00813083 ld ra,8(sp)
        80000048: 8005c503 lbu a0,-2048(a1)
        8000004c: 0005d503 lhu a0,0(a1)
        80000050: 0045e503 lwu a0,4(a1)
        80000054: fea58fa3 sb a0,-1(a1)
        80000058: 00a59123 sh a0,2(a1)
        8000005c: 7ea5afa3 sw a0,2047(a1)
        80000060: 80113023 sd ra,-2048(sp)
        80000064: 00150513 addi a0,a0,1
        80000068: fff00513 addi a0,zero,-1
        8000006c: ffb5a513 slti a0,a1,-5
        80000070: 0055b513 sltiu a0,a1,5
        80000074: fff5c513 xori a0,a1,-1
        80000078: 7ff5e513 ori a0,a1,2047
        8000007c: 0ff5f513 andi a0,a1,255
        80000080: 03f59513 slli a0,a1,0x3f
        80000084: 0205d513 srli a0,a1,0x20
        80000088: 4015d513 srai a0,a1,0x1
        8000008c: 00a50533 add a0,a0,a0
        80000090: 40c58533 sub a0,a1,a2
        80000094: 00c59533 sll a0,a1,a2
        80000098: 00c5a533 slt a0,a1,a2
        8000009c: 00c5b533 sltu a0,a1,a2
        800000a0: 00c5c533 xor a0,a1,a2
        800000a4: 00c5d533 srl a0,a1,a2
        800000a8: 40c5d533 sra a0,a1,a2
        800000ac: 00c5e533 or a0,a1,a2
        800000b0: 00c5f533 and a0,a1,a2
        800000b4: fff5851b addiw a0,a1,-1
        800000b8: 01f5951b slliw a0,a1,0x1f
        800000bc: 0015d51b srliw a0,a1,0x1
        800000c0: 4055d51b sraiw a0,a1,0x5
        800000c4: 00c5853b addw a0,a1,a2
        800000c8: 40c5853b subw a0,a1,a2
        800000cc: 00c5953b sllw a0,a1,a2
        800000d0: 00c5d53b srlw a0,a1,a2
        800000d4: 40c5d53b sraw a0,a1,a2
        800000d8: 0ff0000f fence iorw,iorw
        800000dc: 0210000f fence r,w
        800000e0: 8330000f fence.tso
        800000e4: 0100000f pause
        800000e8: 0000100f fence.i
        800000ec: 00000073 ecall
        800000f0: 00100073 ebreak
        800000f4: 02c58533 mul a0,a1,a2
        800000f8: 02c59533 mulh a0,a1,a2
        800000fc: 02c5a533 mulhsu a0,a1,a2
        80000100: 02c5b533 mulhu a0,a1,a2
        80000104: 02c5c533 div a0,a1,a2
        80000108: 02c5d533 divu a0,a1,a2
        8000010c: 02c5e533 rem a0,a1,a2
        80000110: 02c5f533 remu a0,a1,a2
        80000114: 02c5853b mulw a0,a1,a2
        80000118: 02c5c53b divw a0,a1,a2
        8000011c: 02c5d53b divuw a0,a1,a2
        80000120: 02c5e53b remw a0,a1,a2
        80000124: 02c5f53b remuw a0,a1,a2
        80000128: 1005a52f lr.w a0,(a1)
        8000012c: 18c5a52f sc.w a0,a2,(a1)
        80000130: 08c5a52f amoswap.w a0,a2,(a1)
        80000134: 00c5a52f amoadd.w a0,a2,(a1)
        80000138: 20c5a52f amoxor.w a0,a2,(a1)
        8000013c: 60c5a52f amoand.w a0,a2,(a1)
        80000140: 40c5a52f amoor.w a0,a2,(a1)
        80000144: 80c5a52f amomin.w a0,a2,(a1)
        80000148: a0c5a52f amomax.w a0,a2,(a1)
        8000014c: c0c5a52f amominu.w a0,a2,(a1)
        80000150: e0c5a52f amomaxu.w a0,a2,(a1)
        80000154: 1405b52f lr.d.aq a0,(a1)
        80000158: 1ac5b52f sc.d.rl a0,a2,(a1)
        8000015c: 0ec5b52f amoswap.d.aqrl a0,a2,(a1)
        80000160: 00c5b52f amoadd.d a0,a2,(a1)
        80000164: 20c5b52f amoxor.d a0,a2,(a1)
        80000168: 60c5b52f amoand.d a0,a2,(a1)
        8000016c: 40c5b52f amoor.d a0,a2,(a1)
        80000170: 80c5b52f amomin.d a0,a2,(a1)
        80000174: a0c5b52f amomax.d a0,a2,(a1)
        80000178: c0c5b52f amominu.d a0,a2,(a1)
        8000017c: e4c5b52f amomaxu.d.aq a0,a2,(a1)
        80000180: 30051073 csrrw zero,mstatus,a0
        80000184: 18002573 csrrs a0,satp,zero
        80000188: 1005b573 csrrc a0,sstatus,a1
        8000018c: 305fd073 csrrwi zero,mtvec,31
        80000190: 30446573 csrrsi a0,mie,8
        80000194: 7c00f573 csrrci a0,0x7c0,1
        80000198: fff02573 csrrs a0,0xfff,zero
        8000019c: 30200073 mret
        800001a0: 10200073 sret
        800001a4: 10500073 wfi
        800001a8: 12000073 sfence.vma zero,zero
        800001ac: 12b50073 sfence.vma a0,a1
        800001b0: 0028 c.addi4spn a0,sp,8
        800001b2: 1fe4 c.addi4spn s1,sp,1020
        800001b4: 41c8 c.lw a0,4(a1)
        800001b6: 5c7c c.lw a5,124(s0)
        800001b8: 6588 c.ld a0,8(a1)
        800001ba: 7c7c c.ld a5,248(s0)
        800001bc: c1c8 c.sw a0,4(a1)
        800001be: fde8 c.sd a0,248(a1)
        800001c0: 0505 c.addi a0,1
        800001c2: 1501 c.addi a0,-32
        800001c4: 357d c.addiw a0,-1
        800001c6: 237d c.addiw t1,31
        800001c8: 4505 c.li a0,1
        800001ca: 5501 c.li a0,-32
        800001cc: 717d c.addi16sp sp,-16
        800001ce: 617d c.addi16sp sp,496
        800001d0: 7101 c.addi16sp sp,-512
        800001d2: 6505 c.lui a0,0x1
        800001d4: 657d c.lui a0,0x1f
        800001d6: 7301 c.lui t1,0xfffe0
        800001d8: 810d c.srli a0,0x3
        800001da: 93fd c.srli a5,0x3f
        800001dc: 9501 c.srai a0,0x20
        800001de: 890d c.andi a0,3
        800001e0: 997d c.andi a0,-1
        800001e2: 8d0d c.sub a0,a1
        800001e4: 8d2d c.xor a0,a1
        800001e6: 8d4d c.or a0,a1
        800001e8: 8d6d c.and a0,a1
        800001ea: 9d0d c.subw a0,a1
        800001ec: 9d2d c.addw a0,a1
        800001ee: a021 c.j 0x800001f6
        800001f0: b001 c.j 0x7ffff9f0
        800001f2: affd c.j 0x800009f0
        800001f4: d101 c.beqz a0,0x800000f4
        800001f6: ed7d c.bnez a0,0x800002f4
        800001f8: c091 c.beqz s1,0x800001fc
        800001fa: 050e c.slli a0,0x3
        800001fc: 137e c.slli t1,0x3f
        800001fe: 4512 c.lwsp a0,4(sp)
        80000200: 50fe c.lwsp ra,252(sp)
        80000202: 60a2 c.ldsp ra,8(sp)
        80000204: 737e c.ldsp t1,504(sp)
        80000206: 8082 c.jr ra
        80000208: 9502 c.jalr a0
        8000020a: 852e c.mv a0,a1
        8000020c: 952e c.add a0,a1
        8000020e: 9002 c.ebreak
        80000210: c22a c.swsp a0,4(sp)
        80000212: df86 c.swsp ra,252(sp)
        80000214: e406 c.sdsp ra,8(sp)
        80000216: ff9a c.sdsp t1,504(sp)
        80000218: 7ffff06f jal zero,0x80100216
        8000021c: 8000006f jal zero,0x7ff0021c
        80000220: 80000537 lui a0,0x80000
        80000224: 80050513 addi a0,a0,-2048
        80000228: 80a590a3 sh a0,-2047(a1)
        8000022c: 0005 c.addi zero,1
        8000022e: 0081 c.addi ra,0
        80000230: 4001 c.li zero,0
        80000232: 6005 c.lui zero,0x1
        80000234: 802e c.mv zero,a1
        80000236: 902e c.add zero,a1
        80000238: 0016 c.slli zero,0x5
        8000023a: 2081 c.addiw ra,0
        8000023c: 0000 c.unimp
        8000023e: 8000 .2byte 0x8000
        80000240: 4002 .2byte 0x4002
        80000242: 9c41 .2byte 0x9c41
        80000244: 02b5959b .4byte 0x2b5959b
        80000248: 1015a52f .4byte 0x1015a52f
        8000024c: 0000000f fence unknown,unknown
        80001000: ffc5a507 flw fa0,-4(a1)
        80001004: 7ea5afa7 fsw fa0,2047(a1)
        80001008: 68c5f543 fmadd.s fa0,fa1,fa2,fa3
        8000100c: 68c59547 fmsub.s fa0,fa1,fa2,fa3,rtz
        80001010: 1820a04b fnmsub.s ft0,ft1,ft2,ft3,rdn
        80001014: f924b44f fnmadd.s fs0,fs1,fs2,ft11,rup
        80001018: 00c5f553 fadd.s fa0,fa1,fa2
        8000101c: 08c58553 fsub.s fa0,fa1,fa2,rne
        80001020: 10c5c553 fmul.s fa0,fa1,fa2,rmm
        80001024: 18c59553 fdiv.s fa0,fa1,fa2,rtz
        80001028: 5805f553 fsqrt.s fa0,fa1
        8000102c: 20c58553 fsgnj.s fa0,fa1,fa2
        80001030: 20c59553 fsgnjn.s fa0,fa1,fa2
        80001034: 20c5a553 fsgnjx.s fa0,fa1,fa2
        80001038: 28c58553 fmin.s fa0,fa1,fa2
        8000103c: 28c59553 fmax.s fa0,fa1,fa2
        80001040: c0059553 fcvt.w.s a0,fa1,rtz
        80001044: c015f553 fcvt.wu.s a0,fa1
        80001048: c0258553 fcvt.l.s a0,fa1,rne
        8000104c: c035a553 fcvt.lu.s a0,fa1,rdn
        80001050: d005f553 fcvt.s.w fa0,a1
        80001054: d015b553 fcvt.s.wu fa0,a1,rup
        80001058: d025f553 fcvt.s.l fa0,a1
        8000105c: d035c553 fcvt.s.lu fa0,a1,rmm
        80001060: e0058553 fmv.x.w a0,fa1
        80001064: f0058553 fmv.w.x fa0,a1
        80001068: a0c5a553 feq.s a0,fa1,fa2
        8000106c: a0c59553 flt.s a0,fa1,fa2
        80001070: a0c58553 fle.s a0,fa1,fa2
        80001074: e0059553 fclass.s a0,fa1
        80001078: 00813007 fld ft0,8(sp)
        8000107c: 81f13027 fsd ft11,-2048(sp)
        80001080: 6ac5f543 fmadd.d fa0,fa1,fa2,fa3
        80001084: 6ac5f547 fmsub.d fa0,fa1,fa2,fa3
        80001088: 6ac5f54b fnmsub.d fa0,fa1,fa2,fa3
        8000108c: dbcecf4f fnmadd.d ft10,ft9,ft8,fs11,rmm
        80001090: 02c5f553 fadd.d fa0,fa1,fa2
        80001094: 0ac5f553 fsub.d fa0,fa1,fa2
        80001098: 12c5f553 fmul.d fa0,fa1,fa2
        8000109c: 1ac5f553 fdiv.d fa0,fa1,fa2
        800010a0: 5a059553 fsqrt.d fa0,fa1,rtz
        800010a4: 22c58553 fsgnj.d fa0,fa1,fa2
        800010a8: 22c59553 fsgnjn.d fa0,fa1,fa2
        800010ac: 22c5a553 fsgnjx.d fa0,fa1,fa2
        800010b0: 2ac58553 fmin.d fa0,fa1,fa2
        800010b4: 2ac59553 fmax.d fa0,fa1,fa2
        800010b8: c2059553 fcvt.w.d a0,fa1,rtz
        800010bc: c2159553 fcvt.wu.d a0,fa1,rtz
        800010c0: c2259553 fcvt.l.d a0,fa1,rtz
        800010c4: c2359553 fcvt.lu.d a0,fa1,rtz
        800010c8: d2058553 fcvt.d.w fa0,a1
        800010cc: d2158553 fcvt.d.wu fa0,a1
        800010d0: d225f553 fcvt.d.l fa0,a1
        800010d4: d235f553 fcvt.d.lu fa0,a1
        800010d8: 4015f553 fcvt.s.d fa0,fa1
        800010dc: 42058553 fcvt.d.s fa0,fa1
        800010e0: e2058553 fmv.x.d a0,fa1
        800010e4: f2058553 fmv.d.x fa0,a1
        800010e8: a2c5a553 feq.d a0,fa1,fa2
        800010ec: a2c59553 flt.d a0,fa1,fa2
        800010f0: a2c58553 fle.d a0,fa1,fa2
        800010f4: e2059553 fclass.d a0,fa1
        800010f8: 2588 c.fld fa0,8(a1)
        800010fa: 3fe0 c.fld fs0,248(a5)
        800010fc: a588 c.fsd fa0,8(a1)
        800010fe: bfe4 c.fsd fs1,248(a5)
        80001100: 2002 c.fldsp ft0,0(sp)
        80001102: 357e c.fldsp fa0,504(sp)
        80001104: a002 c.fsdsp ft0,0(sp)
        80001106: bfaa c.fsdsp fa0,504(sp)
";

    #[test]
    fn matches_objdump() {
        for line in OBJDUMP.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (addr, rest) = line.split_once(": ").unwrap();
            let (raw, text) = rest.split_once(' ').unwrap();
            let pc = u64::from_str_radix(addr, 16).unwrap();
            let raw = u32::from_str_radix(raw, 16).unwrap();
            assert_eq!(disassemble(&decode(raw), pc), text, "{raw:#x} at {pc:#x}");
        }
    }

    /// Where the output departs from objdump on purpose.
    #[test]
    fn deliberate_departures() {
        let dis = |raw| disassemble(&decode(raw), 0x8000_0000);
        assert_eq!(dis(0x0001), "c.nop"); // objdump: c.addi zero,0
        assert_eq!(dis(0x0502), "c.slli a0,0x0"); // HINT; objdump: c.slli64 a0
        assert_eq!(dis(0x8401), "c.srai s0,0x0"); // HINT; objdump: c.srai64 s0
        assert_eq!(dis(0x6101), ".2byte 0x6101"); // reserved (nzimm = 0); objdump: c.addi16sp sp,0
        assert_eq!(dis(0x00c5d553), ".4byte 0xc5d553"); // reserved rm 101; objdump: fadd.s fa0,fa1,fa2,unknown
        assert_eq!(dis(0xd2059553), "fcvt.d.w fa0,a1,rtz"); // rm is decoded as usual; objdump: .4byte
        assert_eq!(dis(0x4205f553), "fcvt.d.s fa0,fa1,dyn"); // rm is decoded as usual; objdump: .4byte
        assert_eq!(dis(0x8000000f), "fence unknown,unknown"); // reserved fm; objdump: .4byte
        assert_eq!(dis(0x0215000f), "fence r,w"); // rs1 = a0 ignored; objdump: .4byte
        assert_eq!(dis(0xfff5150f), "fence.i"); // fields ignored; objdump: .4byte
        assert_eq!(dis(0x3a4c3573), "csrrc a0,0x3a4,s8"); // not in sv39_arch; objdump: pmpcfg4
    }

    #[test]
    fn targets_wrap_like_objdump() {
        let dis = |raw, pc| disassemble(&decode(raw), pc);
        assert_eq!(dis(0xff9ff06f, 0), "jal zero,0xfffffffffffffff8"); // jal zero, . - 8
        assert_eq!(dis(0xb001, 0x10), "c.j 0xfffffffffffff810"); // c.j . - 2048
    }

    #[test]
    fn names() {
        assert_eq!(mnemonic(Op::LrW), "lr.w");
        assert_eq!(mnemonic(Op::AmomaxuD), "amomaxu.d");
        assert_eq!(mnemonic(Op::SfenceVma), "sfence.vma");
        assert_eq!(mnemonic(Op::Illegal), "illegal");
        assert_eq!(disassemble(&Decoded::illegal(0xffff_ffff), 0), ".4byte 0xffffffff");
    }
}
