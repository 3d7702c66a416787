//! The instruction table: one row per 32-bit instruction, the single source of
//! `enum Op`, the decoder's `OPCODES`, each op's mnemonic and operand syntax
//! (disassembler), the translator's coverage and the interpreter's dispatch.
//!
//! A row reads `Op "mnemonic" MASK match syntax engine semantics;`:
//! - `MASK` and `match`: `raw & MASK == match` identifies the encoding, in the
//!   manner of Spike's opcode list (no two rows overlap: see the tests).
//! - `syntax`: the operands, as objdump prints them; it also says which fields
//!   the decoder extracts (`decode::fields`) and whether the op writes an x rd.
//! - `engine`: how the x86-64 translator runs it (`Op::translation`): `jit`,
//!   as host code; `call`, inside the block by a call to the interpreter for
//!   that one instruction (it goes on at the next one, or leaves on a trap or
//!   when it changed what the block relies on); `interp`, not at all (the
//!   block ends before it).
//! - `semantics`: a handler of `Hart::execute` (execute.rs) and its arguments:
//!   pure computations are closures over operand values (they may call that
//!   file's helpers `sext32`, `div`, `rem`, `div32`, `rem32`); `fp` runs the op
//!   in `hart::fpu`, which has the F/D semantics.
//!
//! Rows are in spec chapter order. Compressed instructions are not rows: the
//! decoder expands them to these ops (`decode.rs`).

/// Calls macro `$then` with every row of the table (see the module doc).
macro_rules! instructions {
    ($then:ident) => { $then! {
        // op     mnemonic     mask      match                        syntax            engine semantics
        // RV64I: "RV32I Base Integer Instruction Set", "RV64I Base Integer Instruction Set".
        Lui       "lui"        OPCODE    enc(LUI, 0, 0)               Upper             jit    upper(|_, imm| imm);
        Auipc     "auipc"      OPCODE    enc(AUIPC, 0, 0)             Upper             jit    upper(|pc, imm| pc.wrapping_add(imm));
        Jal       "jal"        OPCODE    enc(JAL, 0, 0)               Jal               jit    jal;
        Jalr      "jalr"       FUNCT3    enc(JALR, 0, 0)              RdImmRs1          jit    jalr;
        Beq       "beq"        FUNCT3    enc(BRANCH, 0, 0)            Branch            jit    branch(|a, b| a == b);
        Bne       "bne"        FUNCT3    enc(BRANCH, 1, 0)            Branch            jit    branch(|a, b| a != b);
        Blt       "blt"        FUNCT3    enc(BRANCH, 4, 0)            Branch            jit    branch(|a, b| (a as i64) < (b as i64));
        Bge       "bge"        FUNCT3    enc(BRANCH, 5, 0)            Branch            jit    branch(|a, b| (a as i64) >= (b as i64));
        Bltu      "bltu"       FUNCT3    enc(BRANCH, 6, 0)            Branch            jit    branch(|a, b| a < b);
        Bgeu      "bgeu"       FUNCT3    enc(BRANCH, 7, 0)            Branch            jit    branch(|a, b| a >= b);
        Lb        "lb"         FUNCT3    enc(LOAD, 0, 0)              RdImmRs1          jit    load(u8 as i8);
        Lh        "lh"         FUNCT3    enc(LOAD, 1, 0)              RdImmRs1          jit    load(u16 as i16);
        Lw        "lw"         FUNCT3    enc(LOAD, 2, 0)              RdImmRs1          jit    load(u32 as i32);
        Ld        "ld"         FUNCT3    enc(LOAD, 3, 0)              RdImmRs1          jit    load(u64 as u64);
        Lbu       "lbu"        FUNCT3    enc(LOAD, 4, 0)              RdImmRs1          jit    load(u8 as u8);
        Lhu       "lhu"        FUNCT3    enc(LOAD, 5, 0)              RdImmRs1          jit    load(u16 as u16);
        Lwu       "lwu"        FUNCT3    enc(LOAD, 6, 0)              RdImmRs1          jit    load(u32 as u32);
        Sb        "sb"         FUNCT3    enc(STORE, 0, 0)             Rs2ImmRs1         jit    store(u8);
        Sh        "sh"         FUNCT3    enc(STORE, 1, 0)             Rs2ImmRs1         jit    store(u16);
        Sw        "sw"         FUNCT3    enc(STORE, 2, 0)             Rs2ImmRs1         jit    store(u32);
        Sd        "sd"         FUNCT3    enc(STORE, 3, 0)             Rs2ImmRs1         jit    store(u64);
        Addi      "addi"       FUNCT3    enc(OP_IMM, 0, 0)            RdRs1Imm          jit    imm(|a, imm| a.wrapping_add(imm));
        Slti      "slti"       FUNCT3    enc(OP_IMM, 2, 0)            RdRs1Imm          jit    imm(|a, imm| ((a as i64) < (imm as i64)) as u64);
        Sltiu     "sltiu"      FUNCT3    enc(OP_IMM, 3, 0)            RdRs1Imm          jit    imm(|a, imm| (a < imm) as u64);
        Xori      "xori"       FUNCT3    enc(OP_IMM, 4, 0)            RdRs1Imm          jit    imm(|a, imm| a ^ imm);
        Ori       "ori"        FUNCT3    enc(OP_IMM, 6, 0)            RdRs1Imm          jit    imm(|a, imm| a | imm);
        Andi      "andi"       FUNCT3    enc(OP_IMM, 7, 0)            RdRs1Imm          jit    imm(|a, imm| a & imm);
        Slli      "slli"       FUNCT6    enc(OP_IMM, 1, 0x00)         Shift             jit    shift(|a, sh| a << sh);
        Srli      "srli"       FUNCT6    enc(OP_IMM, 5, 0x00)         Shift             jit    shift(|a, sh| a >> sh);
        Srai      "srai"       FUNCT6    enc(OP_IMM, 5, 0x20)         Shift             jit    shift(|a, sh| ((a as i64) >> sh) as u64);
        Add       "add"        FUNCT7    enc(OP, 0, 0x00)             RdRs1Rs2          jit    reg(|a, b| a.wrapping_add(b));
        Sub       "sub"        FUNCT7    enc(OP, 0, 0x20)             RdRs1Rs2          jit    reg(|a, b| a.wrapping_sub(b));
        Sll       "sll"        FUNCT7    enc(OP, 1, 0x00)             RdRs1Rs2          jit    reg(|a, b| a << (b & 63));
        Slt       "slt"        FUNCT7    enc(OP, 2, 0x00)             RdRs1Rs2          jit    reg(|a, b| ((a as i64) < (b as i64)) as u64);
        Sltu      "sltu"       FUNCT7    enc(OP, 3, 0x00)             RdRs1Rs2          jit    reg(|a, b| (a < b) as u64);
        Xor       "xor"        FUNCT7    enc(OP, 4, 0x00)             RdRs1Rs2          jit    reg(|a, b| a ^ b);
        Srl       "srl"        FUNCT7    enc(OP, 5, 0x00)             RdRs1Rs2          jit    reg(|a, b| a >> (b & 63));
        Sra       "sra"        FUNCT7    enc(OP, 5, 0x20)             RdRs1Rs2          jit    reg(|a, b| ((a as i64) >> (b & 63)) as u64);
        Or        "or"         FUNCT7    enc(OP, 6, 0x00)             RdRs1Rs2          jit    reg(|a, b| a | b);
        And       "and"        FUNCT7    enc(OP, 7, 0x00)             RdRs1Rs2          jit    reg(|a, b| a & b);
        Addiw     "addiw"      FUNCT3    enc(OP_IMM_32, 0, 0)         RdRs1Imm          jit    imm(|a, imm| sext32(a.wrapping_add(imm)));
        // 5-bit shamt: funct7 covers bit 25, so shamt[5] = 1 is illegal.
        Slliw     "slliw"      FUNCT7    enc(OP_IMM_32, 1, 0x00)      Shift             jit    shift(|a, sh| sext32(a << (sh & 31)));
        Srliw     "srliw"      FUNCT7    enc(OP_IMM_32, 5, 0x00)      Shift             jit    shift(|a, sh| sext32((a as u32 >> (sh & 31)) as u64));
        Sraiw     "sraiw"      FUNCT7    enc(OP_IMM_32, 5, 0x20)      Shift             jit    shift(|a, sh| ((a as i32) >> (sh & 31)) as i64 as u64);
        Addw      "addw"       FUNCT7    enc(OP_32, 0, 0x00)          RdRs1Rs2          jit    reg(|a, b| sext32(a.wrapping_add(b)));
        Subw      "subw"       FUNCT7    enc(OP_32, 0, 0x20)          RdRs1Rs2          jit    reg(|a, b| sext32(a.wrapping_sub(b)));
        Sllw      "sllw"       FUNCT7    enc(OP_32, 1, 0x00)          RdRs1Rs2          jit    reg(|a, b| sext32(a << (b & 31)));
        Srlw      "srlw"       FUNCT7    enc(OP_32, 5, 0x00)          RdRs1Rs2          jit    reg(|a, b| sext32((a as u32 >> (b & 31)) as u64));
        Sraw      "sraw"       FUNCT7    enc(OP_32, 5, 0x20)          RdRs1Rs2          jit    reg(|a, b| ((a as i32) >> (b & 31)) as i64 as u64);
        // Any fm/pred/succ, including fence.tso and pause. fence.i has nothing
        // to do: the decode cache follows every store (see bus::code_pages).
        Fence     "fence"      FUNCT3    enc(MISC_MEM, 0, 0)          Fence             jit    nop;
        FenceI    "fence.i"    FUNCT3    enc(MISC_MEM, 1, 0)          Bare              call   nop;
        Ecall     "ecall"      ALL       sys(0x000)                   Bare              call   ecall;
        Ebreak    "ebreak"     ALL       sys(0x001)                   Bare              call   ebreak;
        // M: "M" Extension for Integer Multiplication and Division.
        Mul       "mul"        FUNCT7    enc(OP, 0, 0x01)             RdRs1Rs2          jit    reg(|a, b| a.wrapping_mul(b));
        Mulh      "mulh"       FUNCT7    enc(OP, 1, 0x01)             RdRs1Rs2          jit    reg(|a, b| ((a as i64 as i128 * b as i64 as i128) >> 64) as u64);
        Mulhsu    "mulhsu"     FUNCT7    enc(OP, 2, 0x01)             RdRs1Rs2          jit    reg(|a, b| ((a as i64 as i128).wrapping_mul(b as i128) >> 64) as u64);
        Mulhu     "mulhu"      FUNCT7    enc(OP, 3, 0x01)             RdRs1Rs2          jit    reg(|a, b| ((a as u128 * b as u128) >> 64) as u64);
        Div       "div"        FUNCT7    enc(OP, 4, 0x01)             RdRs1Rs2          jit    reg(|a, b| div(a as i64, b as i64) as u64);
        Divu      "divu"       FUNCT7    enc(OP, 5, 0x01)             RdRs1Rs2          jit    reg(|a, b| a.checked_div(b).unwrap_or(u64::MAX));
        Rem       "rem"        FUNCT7    enc(OP, 6, 0x01)             RdRs1Rs2          jit    reg(|a, b| rem(a as i64, b as i64) as u64);
        Remu      "remu"       FUNCT7    enc(OP, 7, 0x01)             RdRs1Rs2          jit    reg(|a, b| a.checked_rem(b).unwrap_or(a));
        Mulw      "mulw"       FUNCT7    enc(OP_32, 0, 0x01)          RdRs1Rs2          jit    reg(|a, b| sext32(a.wrapping_mul(b)));
        Divw      "divw"       FUNCT7    enc(OP_32, 4, 0x01)          RdRs1Rs2          jit    reg(|a, b| div32(a as i32, b as i32) as i64 as u64);
        Divuw     "divuw"      FUNCT7    enc(OP_32, 5, 0x01)          RdRs1Rs2          jit    reg(|a, b| sext32((a as u32).checked_div(b as u32).unwrap_or(u32::MAX) as u64));
        Remw      "remw"       FUNCT7    enc(OP_32, 6, 0x01)          RdRs1Rs2          jit    reg(|a, b| rem32(a as i32, b as i32) as i64 as u64);
        Remuw     "remuw"      FUNCT7    enc(OP_32, 7, 0x01)          RdRs1Rs2          jit    reg(|a, b| sext32((a as u32).checked_rem(b as u32).unwrap_or(a as u32) as u64));
        // A: "A" Extension for Atomic Instructions. AMO operands are sign-extended
        // words, whose unsigned order is that of the words.
        LrW       "lr.w"       LR        amo(0b00010, 2)              Lr                call   lr(u32);
        ScW       "sc.w"       FUNCT5    amo(0b00011, 2)              Amo               call   sc(u32);
        AmoswapW  "amoswap.w"  FUNCT5    amo(0b00001, 2)              Amo               call   amo(u32, |_, src| src);
        AmoaddW   "amoadd.w"   FUNCT5    amo(0b00000, 2)              Amo               call   amo(u32, |old, src| old.wrapping_add(src));
        AmoxorW   "amoxor.w"   FUNCT5    amo(0b00100, 2)              Amo               call   amo(u32, |old, src| old ^ src);
        AmoandW   "amoand.w"   FUNCT5    amo(0b01100, 2)              Amo               call   amo(u32, |old, src| old & src);
        AmoorW    "amoor.w"    FUNCT5    amo(0b01000, 2)              Amo               call   amo(u32, |old, src| old | src);
        AmominW   "amomin.w"   FUNCT5    amo(0b10000, 2)              Amo               call   amo(u32, |old, src| (old as i64).min(src as i64) as u64);
        AmomaxW   "amomax.w"   FUNCT5    amo(0b10100, 2)              Amo               call   amo(u32, |old, src| (old as i64).max(src as i64) as u64);
        AmominuW  "amominu.w"  FUNCT5    amo(0b11000, 2)              Amo               call   amo(u32, |old, src| old.min(src));
        AmomaxuW  "amomaxu.w"  FUNCT5    amo(0b11100, 2)              Amo               call   amo(u32, |old, src| old.max(src));
        LrD       "lr.d"       LR        amo(0b00010, 3)              Lr                call   lr(u64);
        ScD       "sc.d"       FUNCT5    amo(0b00011, 3)              Amo               call   sc(u64);
        AmoswapD  "amoswap.d"  FUNCT5    amo(0b00001, 3)              Amo               call   amo(u64, |_, src| src);
        AmoaddD   "amoadd.d"   FUNCT5    amo(0b00000, 3)              Amo               call   amo(u64, |old, src| old.wrapping_add(src));
        AmoxorD   "amoxor.d"   FUNCT5    amo(0b00100, 3)              Amo               call   amo(u64, |old, src| old ^ src);
        AmoandD   "amoand.d"   FUNCT5    amo(0b01100, 3)              Amo               call   amo(u64, |old, src| old & src);
        AmoorD    "amoor.d"    FUNCT5    amo(0b01000, 3)              Amo               call   amo(u64, |old, src| old | src);
        AmominD   "amomin.d"   FUNCT5    amo(0b10000, 3)              Amo               call   amo(u64, |old, src| (old as i64).min(src as i64) as u64);
        AmomaxD   "amomax.d"   FUNCT5    amo(0b10100, 3)              Amo               call   amo(u64, |old, src| (old as i64).max(src as i64) as u64);
        AmominuD  "amominu.d"  FUNCT5    amo(0b11000, 3)              Amo               call   amo(u64, |old, src| old.min(src));
        AmomaxuD  "amomaxu.d"  FUNCT5    amo(0b11100, 3)              Amo               call   amo(u64, |old, src| old.max(src));
        // Zicsr: "Zicsr", Control and Status Register (CSR) Instructions. `imm`
        // holds the CSR number, `rs1` the register or the 5-bit uimm.
        Csrrw     "csrrw"      FUNCT3    enc(SYSTEM, 1, 0)            Csr               call   zicsr(Write, reg);
        Csrrs     "csrrs"      FUNCT3    enc(SYSTEM, 2, 0)            Csr               call   zicsr(Set, reg);
        Csrrc     "csrrc"      FUNCT3    enc(SYSTEM, 3, 0)            Csr               call   zicsr(Clear, reg);
        Csrrwi    "csrrwi"     FUNCT3    enc(SYSTEM, 5, 0)            CsrImm            call   zicsr(Write, uimm);
        Csrrsi    "csrrsi"     FUNCT3    enc(SYSTEM, 6, 0)            CsrImm            call   zicsr(Set, uimm);
        Csrrci    "csrrci"     FUNCT3    enc(SYSTEM, 7, 0)            CsrImm            call   zicsr(Clear, uimm);
        // Privileged spec: "Instructions to Change Privilege Level", "Wait for
        // Interrupt", "Supervisor Memory-Management Fence Instruction".
        Mret      "mret"       ALL       sys(0x302)                   Bare              interp mret;
        Sret      "sret"       ALL       sys(0x102)                   Bare              interp sret;
        Wfi       "wfi"        ALL       sys(0x105)                   Bare              call   wfi;
        SfenceVma "sfence.vma" SFENCE    enc(SYSTEM, 0, 0x09)         Rs1Rs2            call   sfence_vma;
        // F: "F" Extension for Single-Precision Floating-Point.
        Flw       "flw"        FUNCT3    enc(LOAD_FP, 2, 0)           FrdImmRs1         call   fp;
        Fsw       "fsw"        FUNCT3    enc(STORE_FP, 2, 0)          Frs2ImmRs1        call   fp;
        FmaddS    "fmadd.s"    R4_FMT    r4(MADD, FMT_S)              FrdFrs1Frs2Frs3Rm call   fp;
        FmsubS    "fmsub.s"    R4_FMT    r4(MSUB, FMT_S)              FrdFrs1Frs2Frs3Rm call   fp;
        FnmsubS   "fnmsub.s"   R4_FMT    r4(NMSUB, FMT_S)             FrdFrs1Frs2Frs3Rm call   fp;
        FnmaddS   "fnmadd.s"   R4_FMT    r4(NMADD, FMT_S)             FrdFrs1Frs2Frs3Rm call   fp;
        FaddS     "fadd.s"     FP_RM     fp(0b00000, FMT_S, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FsubS     "fsub.s"     FP_RM     fp(0b00001, FMT_S, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FmulS     "fmul.s"     FP_RM     fp(0b00010, FMT_S, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FdivS     "fdiv.s"     FP_RM     fp(0b00011, FMT_S, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FsqrtS    "fsqrt.s"    FP_RM_RS2 fp(0b01011, FMT_S, 0, 0)     FrdFrs1Rm         call   fp;
        FsgnjS    "fsgnj.s"    FUNCT7    fp(0b00100, FMT_S, 0, 0)     FrdFrs1Frs2       call   fp;
        FsgnjnS   "fsgnjn.s"   FUNCT7    fp(0b00100, FMT_S, 0, 1)     FrdFrs1Frs2       call   fp;
        FsgnjxS   "fsgnjx.s"   FUNCT7    fp(0b00100, FMT_S, 0, 2)     FrdFrs1Frs2       call   fp;
        FminS     "fmin.s"     FUNCT7    fp(0b00101, FMT_S, 0, 0)     FrdFrs1Frs2       call   fp;
        FmaxS     "fmax.s"     FUNCT7    fp(0b00101, FMT_S, 0, 1)     FrdFrs1Frs2       call   fp;
        FcvtWS    "fcvt.w.s"   FP_RM_RS2 fp(0b11000, FMT_S, 0, 0)     RdFrs1Rm          call   fp;
        FcvtWuS   "fcvt.wu.s"  FP_RM_RS2 fp(0b11000, FMT_S, 1, 0)     RdFrs1Rm          call   fp;
        FcvtLS    "fcvt.l.s"   FP_RM_RS2 fp(0b11000, FMT_S, 2, 0)     RdFrs1Rm          call   fp;
        FcvtLuS   "fcvt.lu.s"  FP_RM_RS2 fp(0b11000, FMT_S, 3, 0)     RdFrs1Rm          call   fp;
        FcvtSW    "fcvt.s.w"   FP_RM_RS2 fp(0b11010, FMT_S, 0, 0)     FrdRs1Rm          call   fp;
        FcvtSWu   "fcvt.s.wu"  FP_RM_RS2 fp(0b11010, FMT_S, 1, 0)     FrdRs1Rm          call   fp;
        FcvtSL    "fcvt.s.l"   FP_RM_RS2 fp(0b11010, FMT_S, 2, 0)     FrdRs1Rm          call   fp;
        FcvtSLu   "fcvt.s.lu"  FP_RM_RS2 fp(0b11010, FMT_S, 3, 0)     FrdRs1Rm          call   fp;
        FmvXW     "fmv.x.w"    FP_RS2_F3 fp(0b11100, FMT_S, 0, 0)     RdFrs1            call   fp;
        FmvWX     "fmv.w.x"    FP_RS2_F3 fp(0b11110, FMT_S, 0, 0)     FrdRs1            call   fp;
        FeqS      "feq.s"      FUNCT7    fp(0b10100, FMT_S, 0, 2)     RdFrs1Frs2        call   fp;
        FltS      "flt.s"      FUNCT7    fp(0b10100, FMT_S, 0, 1)     RdFrs1Frs2        call   fp;
        FleS      "fle.s"      FUNCT7    fp(0b10100, FMT_S, 0, 0)     RdFrs1Frs2        call   fp;
        FclassS   "fclass.s"   FP_RS2_F3 fp(0b11100, FMT_S, 0, 1)     RdFrs1            call   fp;
        // D: "D" Extension for Double-Precision Floating-Point.
        Fld       "fld"        FUNCT3    enc(LOAD_FP, 3, 0)           FrdImmRs1         call   fp;
        Fsd       "fsd"        FUNCT3    enc(STORE_FP, 3, 0)          Frs2ImmRs1        call   fp;
        FmaddD    "fmadd.d"    R4_FMT    r4(MADD, FMT_D)              FrdFrs1Frs2Frs3Rm call   fp;
        FmsubD    "fmsub.d"    R4_FMT    r4(MSUB, FMT_D)              FrdFrs1Frs2Frs3Rm call   fp;
        FnmsubD   "fnmsub.d"   R4_FMT    r4(NMSUB, FMT_D)             FrdFrs1Frs2Frs3Rm call   fp;
        FnmaddD   "fnmadd.d"   R4_FMT    r4(NMADD, FMT_D)             FrdFrs1Frs2Frs3Rm call   fp;
        FaddD     "fadd.d"     FP_RM     fp(0b00000, FMT_D, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FsubD     "fsub.d"     FP_RM     fp(0b00001, FMT_D, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FmulD     "fmul.d"     FP_RM     fp(0b00010, FMT_D, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FdivD     "fdiv.d"     FP_RM     fp(0b00011, FMT_D, 0, 0)     FrdFrs1Frs2Rm     call   fp;
        FsqrtD    "fsqrt.d"    FP_RM_RS2 fp(0b01011, FMT_D, 0, 0)     FrdFrs1Rm         call   fp;
        FsgnjD    "fsgnj.d"    FUNCT7    fp(0b00100, FMT_D, 0, 0)     FrdFrs1Frs2       call   fp;
        FsgnjnD   "fsgnjn.d"   FUNCT7    fp(0b00100, FMT_D, 0, 1)     FrdFrs1Frs2       call   fp;
        FsgnjxD   "fsgnjx.d"   FUNCT7    fp(0b00100, FMT_D, 0, 2)     FrdFrs1Frs2       call   fp;
        FminD     "fmin.d"     FUNCT7    fp(0b00101, FMT_D, 0, 0)     FrdFrs1Frs2       call   fp;
        FmaxD     "fmax.d"     FUNCT7    fp(0b00101, FMT_D, 0, 1)     FrdFrs1Frs2       call   fp;
        FcvtWD    "fcvt.w.d"   FP_RM_RS2 fp(0b11000, FMT_D, 0, 0)     RdFrs1Rm          call   fp;
        FcvtWuD   "fcvt.wu.d"  FP_RM_RS2 fp(0b11000, FMT_D, 1, 0)     RdFrs1Rm          call   fp;
        FcvtLD    "fcvt.l.d"   FP_RM_RS2 fp(0b11000, FMT_D, 2, 0)     RdFrs1Rm          call   fp;
        FcvtLuD   "fcvt.lu.d"  FP_RM_RS2 fp(0b11000, FMT_D, 3, 0)     RdFrs1Rm          call   fp;
        FcvtDW    "fcvt.d.w"   FP_RM_RS2 fp(0b11010, FMT_D, 0, 0)     FrdRs1Rm          call   fp;
        FcvtDWu   "fcvt.d.wu"  FP_RM_RS2 fp(0b11010, FMT_D, 1, 0)     FrdRs1Rm          call   fp;
        FcvtDL    "fcvt.d.l"   FP_RM_RS2 fp(0b11010, FMT_D, 2, 0)     FrdRs1Rm          call   fp;
        FcvtDLu   "fcvt.d.lu"  FP_RM_RS2 fp(0b11010, FMT_D, 3, 0)     FrdRs1Rm          call   fp;
        // fcvt.s.d has fmt = S and rs2 = D; fcvt.d.s the reverse.
        FcvtSD    "fcvt.s.d"   FP_RM_RS2 fp(0b01000, FMT_S, FMT_D, 0) FrdFrs1Rm         call   fp;
        FcvtDS    "fcvt.d.s"   FP_RM_RS2 fp(0b01000, FMT_D, FMT_S, 0) FrdFrs1Rm         call   fp;
        FmvXD     "fmv.x.d"    FP_RS2_F3 fp(0b11100, FMT_D, 0, 0)     RdFrs1            call   fp;
        FmvDX     "fmv.d.x"    FP_RS2_F3 fp(0b11110, FMT_D, 0, 0)     FrdRs1            call   fp;
        FeqD      "feq.d"      FUNCT7    fp(0b10100, FMT_D, 0, 2)     RdFrs1Frs2        call   fp;
        FltD      "flt.d"      FUNCT7    fp(0b10100, FMT_D, 0, 1)     RdFrs1Frs2        call   fp;
        FleD      "fle.d"      FUNCT7    fp(0b10100, FMT_D, 0, 0)     RdFrs1Frs2        call   fp;
        FclassD   "fclass.d"   FP_RS2_F3 fp(0b11100, FMT_D, 0, 1)     RdFrs1            call   fp;
    } };
}
pub(super) use instructions;

/// How the disassembler prints an op's operands (as `objdump -M no-aliases`),
/// which also names the fields the decoder extracts: `rd`, `rs1`, `rs2` are x
/// registers, `frd`, `frs1`, ... f registers, `Rm` a trailing rounding mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// No operands (fence.i, ecall, mret, ...).
    Bare,
    /// `rd,rs1,rs2`.
    RdRs1Rs2,
    /// `rd,rs1,imm`: register-immediate computations.
    RdRs1Imm,
    /// `rd,rs1,shamt` (hex).
    Shift,
    /// `rd,imm(rs1)`: loads and jalr.
    RdImmRs1,
    /// `rs2,imm(rs1)`: stores.
    Rs2ImmRs1,
    /// `rs1,rs2,target`.
    Branch,
    /// `rd,target`.
    Jal,
    /// `rd,imm[31:12]` (hex): lui, auipc.
    Upper,
    /// `rd,(rs1)`.
    Lr,
    /// `rd,rs2,(rs1)`: sc and the AMOs.
    Amo,
    /// `rd,csr,rs1`.
    Csr,
    /// `rd,csr,uimm`.
    CsrImm,
    /// `pred,succ`, or fence.tso / pause.
    Fence,
    /// `rs1,rs2`: sfence.vma.
    Rs1Rs2,
    /// `frd,imm(rs1)`: flw, fld.
    FrdImmRs1,
    /// `frs2,imm(rs1)`: fsw, fsd.
    Frs2ImmRs1,
    /// `frd,frs1,frs2,frs3,rm`: the fused multiply-adds.
    FrdFrs1Frs2Frs3Rm,
    /// `frd,frs1,frs2,rm`.
    FrdFrs1Frs2Rm,
    /// `frd,frs1,rm`: fsqrt, fcvt between formats.
    FrdFrs1Rm,
    /// `rd,frs1,rm`: fcvt to an integer.
    RdFrs1Rm,
    /// `frd,rs1,rm`: fcvt from an integer.
    FrdRs1Rm,
    /// `rd,frs1`: fmv.x, fclass.
    RdFrs1,
    /// `frd,rs1`: fmv from x.
    FrdRs1,
    /// `rd,frs1,frs2`: comparisons.
    RdFrs1Frs2,
    /// `frd,frs1,frs2`: sign injection, fmin, fmax.
    FrdFrs1Frs2,
}

impl Syntax {
    /// Whether the op writes the x register `rd` (branches, stores, fences,
    /// and ops whose destination is an f register do not).
    pub const fn writes_rd(self) -> bool {
        use Syntax::*;
        let integer = matches!(self, RdRs1Rs2 | RdRs1Imm | Shift | RdImmRs1 | Upper | Jal | Lr | Amo | Csr | CsrImm);
        integer || matches!(self, RdFrs1Rm | RdFrs1 | RdFrs1Frs2)
    }
}

/// One encoding: `raw & mask == bits` identifies `op`.
pub(super) struct Row {
    pub mask: u32,
    pub bits: u32,
    pub op: Op,
}

/// How the x86-64 translator runs an op (the table's engine column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Translation {
    /// As host code.
    Inline,
    /// By a call to the interpreter from inside the block.
    Call,
    /// Not: a block ends before it, and the dispatcher interprets it.
    None,
}

macro_rules! translation {
    (jit) => {
        Translation::Inline
    };
    (call) => {
        Translation::Call
    };
    (interp) => {
        Translation::None
    };
}

/// Builds `enum Op`, `OPCODES` and the per-op facts from the rows.
macro_rules! define_isa {
    ($($op:ident $name:literal $mask:ident $enc:ident $fields:tt $syntax:ident $engine:ident
        $kind:ident $(($($sem:tt)*))?;)*) => {
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
            $(#[doc = $name] $op,)*
        }

        /// Every 32-bit encoding, in table order.
        pub(super) static OPCODES: &[Row] = &[$(Row { mask: $mask, bits: $enc $fields, op: Op::$op },)*];

        impl Op {
            /// The mnemonic (compressed forms print as their expansion).
            pub const fn mnemonic(self) -> &'static str {
                match self {
                    Op::Undecoded => "undecoded",
                    Op::Illegal => "illegal",
                    $(Op::$op => $name,)*
                }
            }

            /// The operands' syntax: what the disassembler prints and the
            /// decoder extracts.
            pub const fn syntax(self) -> Syntax {
                match self {
                    Op::Undecoded | Op::Illegal => Syntax::Bare,
                    $(Op::$op => Syntax::$syntax,)*
                }
            }

            /// How the x86-64 translator runs this op.
            pub const fn translation(self) -> Translation {
                match self {
                    Op::Undecoded | Op::Illegal => Translation::None,
                    $(Op::$op => translation!($engine),)*
                }
            }
        }

        /// Every op, indexed by its number (`op as u8`).
        pub const OPS: &[Op] = &[Op::Undecoded, Op::Illegal, $(Op::$op,)*];

        impl Op {
            /// The op numbered `n`, if any.
            pub fn from_u8(n: u8) -> Option<Op> {
                OPS.get(n as usize).copied()
            }
        }
    };
}

instructions!(define_isa);

// Major opcodes (unprivileged spec, "RISC-V base opcode map").
const LOAD: u32 = 0x03;
const MISC_MEM: u32 = 0x0f;
const OP_IMM: u32 = 0x13;
const AUIPC: u32 = 0x17;
const OP_IMM_32: u32 = 0x1b;
const STORE: u32 = 0x23;
const AMO: u32 = 0x2f;
const OP: u32 = 0x33;
const LUI: u32 = 0x37;
const OP_32: u32 = 0x3b;
const BRANCH: u32 = 0x63;
const JALR: u32 = 0x67;
const JAL: u32 = 0x6f;
const SYSTEM: u32 = 0x73;
const LOAD_FP: u32 = 0x07;
const STORE_FP: u32 = 0x27;
const MADD: u32 = 0x43;
const MSUB: u32 = 0x47;
const NMSUB: u32 = 0x4b;
const NMADD: u32 = 0x4f;
const OP_FP: u32 = 0x53;

// Masks: which bits an encoding fixes.
const OPCODE: u32 = 0x0000_007f;
const FUNCT3: u32 = 0x0000_707f;
const FUNCT7: u32 = 0xfe00_707f;
/// RV64 slli/srli/srai: funct6 above a 6-bit shamt.
const FUNCT6: u32 = 0xfc00_707f;
/// AMOs: funct5 and width; aq and rl (bits 26:25) are free.
const FUNCT5: u32 = 0xf800_707f;
/// LR: as an AMO, with rs2 = 0.
const LR: u32 = 0xf9f0_707f;
/// sfence.vma: funct7 and rd = 0.
const SFENCE: u32 = 0xfe00_7fff;
const ALL: u32 = 0xffff_ffff;
/// OP-FP with a rounding mode: funct7 only.
const FP_RM: u32 = 0xfe00_007f;
/// OP-FP with a rounding mode and a fixed rs2 (fsqrt, fcvt).
const FP_RM_RS2: u32 = 0xfff0_007f;
/// OP-FP with fixed rs2 and funct3 (fmv, fclass).
const FP_RS2_F3: u32 = 0xfff0_707f;
/// R4: opcode and fmt (inst[26:25]); rs3 and rm are free.
const R4_FMT: u32 = 0x0600_007f;

/// Match bits from opcode, funct3 and funct7 (inst[31:25]).
const fn enc(opcode: u32, funct3: u32, funct7: u32) -> u32 {
    funct7 << 25 | funct3 << 12 | opcode
}

/// Match bits of a SYSTEM instruction with every other field zero, from
/// funct12 (inst[31:20]): ecall, ebreak, the trap returns, wfi.
const fn sys(funct12: u32) -> u32 {
    funct12 << 20 | SYSTEM
}

/// Match bits of an AMO from funct5 and width (funct3: 2 = .W, 3 = .D).
const fn amo(funct5: u32, width: u32) -> u32 {
    funct5 << 27 | width << 12 | AMO
}

/// The fmt field of floating-point encodings ("Format field encoding").
const FMT_S: u32 = 0b00;
const FMT_D: u32 = 0b01;

/// Match bits of an OP-FP instruction from funct5, fmt, rs2 and funct3 (the
/// mask decides which of rs2 and funct3 are fixed).
const fn fp(funct5: u32, fmt: u32, rs2: u32, funct3: u32) -> u32 {
    (funct5 << 2 | fmt) << 25 | rs2 << 20 | funct3 << 12 | OP_FP
}

/// Match bits of a fused multiply-add from its major opcode and fmt.
const fn r4(opcode: u32, fmt: u32) -> u32 {
    fmt << 25 | opcode
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hart::decode::decode;

    /// Spike's practice: no encoding matches two rows, so row order is irrelevant.
    #[test]
    fn rows_do_not_overlap() {
        for (i, a) in OPCODES.iter().enumerate() {
            for b in &OPCODES[i + 1..] {
                let both = a.mask & b.mask;
                assert_ne!(a.bits & both, b.bits & both, "{:?} overlaps {:?}", a.op, b.op);
            }
        }
    }

    /// Each row is well formed (match within mask, 32-bit opcode) and reachable.
    #[test]
    fn rows_are_well_formed() {
        for row in OPCODES {
            assert_eq!(row.bits & !row.mask, 0, "{:?}", row.op);
            assert_eq!(row.bits & 3, 3, "{:?}", row.op);
            assert_eq!(decode(row.bits).op, row.op);
        }
    }

    /// Row i is the op numbered i + 2 (after Undecoded and Illegal), so every
    /// op but those two has exactly one row; and no two share a mnemonic.
    #[test]
    fn one_row_per_op() {
        assert_eq!(Op::Undecoded as u8, 0);
        assert_eq!(Op::Illegal as u8, 1);
        for (i, row) in OPCODES.iter().enumerate() {
            assert_eq!(row.op as usize, i + 2, "{:?}", row.op);
        }
        let mut names: Vec<_> = OPCODES.iter().map(|r| r.op.mnemonic()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OPCODES.len());
    }

    /// The translator's column: RV64I and M as host code; the rest by calls
    /// to the interpreter, but for mret and sret, which leave the block.
    #[test]
    fn translation_column() {
        let t = Op::translation;
        assert!([Op::Addi, Op::Sd, Op::Remuw, Op::Fence, Op::Jalr].iter().all(|&op| t(op) == Translation::Inline));
        assert!([Op::FenceI, Op::Ecall, Op::LrW, Op::Csrrci, Op::SfenceVma, Op::FaddD].iter().all(|&op| t(op) == Translation::Call));
        assert!([Op::Mret, Op::Sret, Op::Illegal, Op::Undecoded].iter().all(|&op| t(op) == Translation::None));
    }

    #[test]
    fn ops_by_number() {
        assert!(OPS.iter().enumerate().all(|(i, &op)| Op::from_u8(i as u8) == Some(op)));
        assert_eq!(Op::from_u8(OPS.len() as u8), None);
    }

    /// Which ops write an x register.
    #[test]
    fn writes_rd_column() {
        let writes = |op: Op| op.syntax().writes_rd();
        assert!(writes(Op::Jalr) && writes(Op::Lw) && writes(Op::ScD) && writes(Op::Csrrwi) && writes(Op::FeqS));
        assert!(!writes(Op::Beq) && !writes(Op::Sd) && !writes(Op::Fence) && !writes(Op::SfenceVma));
        assert!(!writes(Op::Flw) && !writes(Op::FaddS) && !writes(Op::FcvtSW));
    }
}
