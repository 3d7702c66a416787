//! RV64I integer computation (unpriv spec 2.4 "Integer Computational
//! Instructions", 5.2 RV64I "Integer Computational Instructions"): register
//! and immediate forms, shifts (shamt 6 bits, W forms 5 bits), the W forms'
//! sign extension of 32-bit results, slt/sltu, lui/auipc, writes to x0 discarded.
//! Expected values are `const`s, so the host compiler computes them.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

/// `rr!("add", a, b)`: rd = a op b.
macro_rules! rr {
    ($op:literal, $a:expr, $b:expr) => {{
        let d: u64;
        // SAFETY: register arithmetic only.
        unsafe { asm!(concat!($op, " {d}, {a}, {b}"), d = out(reg) d, a = in(reg) $a as u64, b = in(reg) $b as u64) };
        d
    }};
}

/// `ri!("addi", a, imm)`: rd = a op imm.
macro_rules! ri {
    ($op:literal, $a:expr, $imm:literal) => {{
        let d: u64;
        // SAFETY: register arithmetic only.
        unsafe { asm!(concat!($op, " {d}, {a}, ", stringify!($imm)), d = out(reg) d, a = in(reg) $a as u64) };
        d
    }};
}

const A: u64 = 0x8765_4321_f0e1_d2c3;
const B: u64 = 0x0123_4567_89ab_cdef;
const W1: u64 = 0x7fff_ffff; // i32::MAX
const NEG1: u64 = u64::MAX;

const fn sx32(v: u64) -> u64 {
    v as u32 as i32 as i64 as u64
}

fn body() -> Checks {
    let cases = [
        // 1..: add/sub and their W forms (5.2: "ADDW and SUBW ... sign-extend 32-bit result").
        (rr!("add", A, B), A.wrapping_add(B)),
        (rr!("sub", A, B), A.wrapping_sub(B)),
        (rr!("addw", W1, 1u64), 0xffff_ffff_8000_0000),
        (rr!("subw", 0u64, 0x8000_0000u64), 0xffff_ffff_8000_0000),
        (rr!("addw", A, B), sx32(A.wrapping_add(B))),
        (rr!("subw", A, B), sx32(A.wrapping_sub(B))),
        // 7..: logic
        (rr!("and", A, B), A & B),
        (rr!("or", A, B), A | B),
        (rr!("xor", A, B), A ^ B),
        (ri!("andi", A, -16), A & !15),
        (ri!("ori", 0u64, -1), NEG1),
        (ri!("xori", A, -1), !A),
        // 13..: compare
        (rr!("slt", A, B), 1),
        (rr!("sltu", A, B), 0),
        (ri!("slti", NEG1, 0), 1),
        (ri!("sltiu", 0u64, -1), 1), // imm sign-extended, then unsigned
        (ri!("sltiu", 5u64, 1), 0),
        (rr!("sltu", 0u64, 1u64), 1), // snez
        // 19..: 64-bit shifts use rs2[5:0]
        (rr!("sll", 1u64, 63u64), 1 << 63),
        (rr!("sll", 1u64, 64 + 3u64), 8),
        (rr!("srl", A, 60u64), A >> 60),
        (rr!("sra", A, 60u64), ((A as i64) >> 60) as u64),
        (ri!("slli", A, 63), A << 63),
        (ri!("srli", A, 33), A >> 33),
        (ri!("srai", A, 33), ((A as i64) >> 33) as u64),
        // 26..: W shifts use rs2[4:0] and sign-extend
        (rr!("sllw", 1u64, 31u64), 0xffff_ffff_8000_0000),
        (rr!("sllw", 1u64, 32 + 4u64), 16),
        (rr!("srlw", A, 4u64), sx32((A as u32 >> 4) as u64)),
        (rr!("srlw", 0xffff_ffff_8000_0000u64, 0u64), 0xffff_ffff_8000_0000),
        (rr!("sraw", 0x8000_0000u64, 31u64), NEG1),
        (ri!("slliw", 3u64, 30), 0xffff_ffff_c000_0000),
        (ri!("srliw", NEG1, 1), 0x7fff_ffff),
        (ri!("sraiw", 0x1_8000_0000u64, 4), 0xffff_ffff_f800_0000),
        (ri!("srliw", 0x1_0000_0000u64, 0), 0),
        // 35..: addiw sign-extends; addiw rd, rs, 0 is sext.w
        (ri!("addiw", 0xffff_ffffu64, 0), NEG1),
        (ri!("addiw", W1, 1), 0xffff_ffff_8000_0000),
        (ri!("addi", 0u64, -2048), (-2048i64) as u64),
        (ri!("addi", 0u64, 2047), 2047),
        (ri!("addiw", 0x1_2345_6789u64, -1), 0x2345_6788),
        // 40..: W results with upper input bits ignored
        (rr!("addw", 0xdead_0000_0000_0001u64, 0xbeef_0000_0000_0001u64), 2),
        (rr!("sllw", 0xffff_0000_0000_0001u64, 0u64), 1),
        (rr!("sraw", 0x0000_0001_7fff_ffffu64, 0u64), 0x7fff_ffff),
        (rr!("subw", 0x1_0000_0000u64, 1u64), NEG1),
        (rr!("add", NEG1, 1u64), 0),
        (rr!("sub", 0u64, 1u64), NEG1),
        (rr!("sra", 1u64 << 63, 63u64), NEG1),
        (rr!("srl", 1u64 << 63, 63u64), 1),
        (ri!("srai", 1u64 << 63, 1), 0xc000_0000_0000_0000),
        (ri!("sltiu", NEG1, -1), 0),
        (ri!("slti", 0u64, -1), 0),
        (rr!("slt", 1u64 << 63, 0u64), 1),
    ];
    for (i, (got, want)) in cases.iter().enumerate() {
        check_eq!(i as u32 + 1, *got, *want);
    }

    // 60..: lui/auipc (2.4: "LUI places the U-immediate in the top 20 bits ... filling in the
    // lowest 12 bits with zeros"; 5.2: "LUI ... 32-bit result is sign-extended to 64 bits").
    let (lui_neg, lui_pos, auipc, here): (u64, u64, u64, u64);
    // SAFETY: register-only instructions; `la` gives the same pc as auipc.
    unsafe {
        asm!(
            "lui {0}, 0x80000",
            "lui {1}, 0x7ffff",
            "1: auipc {2}, 0x1",
            "la {3}, 1b",
            out(reg) lui_neg, out(reg) lui_pos, out(reg) auipc, out(reg) here,
        )
    };
    check_eq!(60, lui_neg, 0xffff_ffff_8000_0000);
    check_eq!(61, lui_pos, 0x7fff_f000);
    check_eq!(62, auipc, here + 0x1000);
    let auipc_neg: u64;
    let here2: u64;
    // SAFETY: as above.
    unsafe { asm!("1: auipc {0}, 0xfffff", "la {1}, 1b", out(reg) auipc_neg, out(reg) here2) };
    check_eq!(63, auipc_neg, here2.wrapping_sub(0x1000));

    // 64..: writes to x0 are discarded (2.1 "Register x0 is hardwired with all bits equal to 0").
    let z: u64;
    // SAFETY: writes to x0 only.
    unsafe {
        asm!(
            "li t0, 5",
            "add x0, t0, t0",
            "addi x0, x0, 7",
            "lui x0, 0x12345",
            "auipc x0, 1",
            "addw x0, t0, t0",
            "mv {0}, x0",
            out(reg) z, out("t0") _,
        )
    };
    check_eq!(64, z, 0);
    let link: u64;
    // SAFETY: jal x0 is a plain jump; `ra` is declared clobbered.
    unsafe { asm!("li {0}, 1", "jal x0, 2f", "li {0}, 2", "2: add {0}, {0}, x0", out(reg) link) };
    check_eq!(65, link, 1);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
