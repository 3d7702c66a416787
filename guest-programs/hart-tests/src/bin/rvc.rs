//! The C extension (unpriv spec 16 "Compressed Instructions"), each written as
//! an explicit `c.` mnemonic: stack-pointer forms (c.addi16sp, c.addi4spn,
//! c.ldsp/c.sdsp, c.lwsp/c.swsp), c.lui (sign-extended), c.li, c.addi(w),
//! shifts (c.srai/c.srli/c.slli), register ops (c.mv/c.add/c.sub/c.and/c.or/
//! c.xor/c.addw/c.subw), c.lw/c.ld/c.sw/c.sd, control transfers (c.j, c.jr,
//! c.jalr linking pc+2, c.beqz/c.bnez), a 32-bit instruction at a 2-byte
//! aligned address and one straddling a page boundary (IALIGN=16), and
//! illegal encodings (16.1: "the all-zero 16-bit instruction ... is
//! illegal"; reserved c.lui/c.addi16sp with zero immediates, c.jr x0) raising
//! cause 2 with mtval = the 16 instruction bits (priv 3.1.16).
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use hart_tests::*;

static mut MEM: [u64; 4] = [0; 4];

global_asm!(
    r#"
    .globl rvc_zero, rvc_lui0, rvc_addi16sp0, rvc_jr0, rvc_at
    .balign 4
rvc_zero:
    .2byte 0x0000
    ret
rvc_lui0:
    .2byte 0x6501   # c.lui a0, 0 (reserved)
    ret
rvc_addi16sp0:
    .2byte 0x6101   # c.addi16sp sp, 0 (reserved)
    ret
rvc_jr0:
    .2byte 0x8002   # c.jr x0 (reserved)
    ret

    # A 4-byte addi straddling a page boundary: returns arg + 1.
    .globl rvc_straddle
rvc_straddle:
    .option push
    .option norvc
    j 1f
    .balign 4096
    .skip 4094
1:  addi a0, a0, 1
    ret
    .option pop
"#
);
unsafe extern "C" {
    safe fn rvc_zero(a: u64) -> u64;
    safe fn rvc_lui0(a: u64) -> u64;
    safe fn rvc_addi16sp0(a: u64) -> u64;
    safe fn rvc_jr0(a: u64) -> u64;
    safe fn rvc_straddle(a: u64) -> u64;
}

fn body() -> Checks {
    setup();
    // 1..: stack-pointer forms (sp is restored within the block).
    let (spn, sp_before, ld, lw, sp_after): (u64, u64, u64, u64, u64);
    // SAFETY: the block moves sp down 64 bytes, uses that space and restores sp.
    unsafe {
        asm!(
            "mv {spb}, sp",
            "c.addi16sp sp, -64",
            "c.addi4spn a0, sp, 16",
            "li a1, -3",
            "c.sdsp a1, 8(sp)",
            "c.ldsp a2, 8(sp)",
            "li a3, 0x87654321",
            "c.swsp a3, 16(sp)",
            "c.lwsp a4, 16(sp)",
            "c.addi16sp sp, 64",
            "mv {spa}, sp",
            spb = out(reg) sp_before, spa = out(reg) sp_after,
            out("a0") spn, out("a1") _, out("a2") ld, out("a3") _, out("a4") lw,
        )
    };
    check_eq!(1, spn, sp_before - 64 + 16);
    check_eq!(2, ld, (-3i64) as u64);
    check_eq!(3, lw, 0xffff_ffff_8765_4321);
    check_eq!(4, sp_after, sp_before);

    // 10..: immediates and shifts (c.srai/c.srli/c.andi take x8-x15 only).
    let (lui_p, lui_n, li_n, addi, addiw, srai, srli, slli, andi): (u64, u64, u64, u64, u64, u64, u64, u64, u64);
    // SAFETY: register-only instructions.
    unsafe {
        asm!(
            "c.lui t1, 0x1f",
            "c.lui t2, 0xfffff",
            "c.li t3, -32",
            "li t4, 10", "c.addi t4, -11",
            "li t5, 0x7fffffff", "c.addiw t5, 1",
            "li a0, -256", "c.srai a0, 4",
            "li a1, -256", "c.srli a1, 60",
            "li t6, 3", "c.slli t6, 62",
            "li a2, -1", "c.andi a2, -32",
            out("t1") lui_p, out("t2") lui_n, out("t3") li_n, out("t4") addi, out("t5") addiw,
            out("a0") srai, out("a1") srli, out("t6") slli, out("a2") andi,
        )
    };
    check_eq!(10, lui_p, 0x1f000);
    check_eq!(11, lui_n, 0xffff_ffff_ffff_f000);
    check_eq!(12, li_n, (-32i64) as u64);
    check_eq!(13, addi, u64::MAX);
    check_eq!(14, addiw, 0xffff_ffff_8000_0000);
    check_eq!(15, srai, (-16i64) as u64);
    check_eq!(16, srli, 0xf);
    check_eq!(17, slli, 0xc000_0000_0000_0000);
    check_eq!(18, andi, (-32i64) as u64);

    // 20..: register-register forms (all but c.mv/c.add take x8-x15 only).
    let (mv, add): (u64, u64);
    // SAFETY: register-only instructions.
    unsafe { asm!("li t1, 0x7fffffff", "c.mv t2, t1", "c.add t2, t1", out("t1") mv, out("t2") add) };
    check_eq!(20, mv, 0x7fff_ffff);
    check_eq!(21, add, 0xffff_fffe);
    let (sub, and, or, xor, addw, subw): (u64, u64, u64, u64, u64, u64);
    // SAFETY: register-only instructions.
    unsafe {
        asm!(
            "li a5, 0xa",
            "li a0, 5", "c.sub a0, a5",     // -5
            "li a1, 0xc", "c.and a1, a5",   // 8
            "li a2, 0xc", "c.or a2, a5",    // 0xe
            "li a3, 0xc", "c.xor a3, a5",   // 6
            "li a4, 0x7fffffff", "li a5, 1", "c.addw a4, a5", // sext 0x80000000
            out("a0") sub, out("a1") and, out("a2") or, out("a3") xor, out("a4") addw, out("a5") _,
        )
    };
    check_eq!(22, sub, (-5i64) as u64);
    check_eq!(23, and, 8);
    check_eq!(24, or, 0xe);
    check_eq!(25, xor, 6);
    check_eq!(26, addw, 0xffff_ffff_8000_0000);
    // SAFETY: register-only instructions.
    unsafe { asm!("li a0, 0", "li a1, 1", "c.subw a0, a1", out("a0") subw, out("a1") _) };
    check_eq!(27, subw, u64::MAX);

    // 30..: c.sd/c.ld/c.sw/c.lw on rd' registers.
    let (d, w): (u64, u64);
    // SAFETY: MEM is ours and 32 bytes long.
    unsafe {
        asm!(
            "li a1, 0x0123456789abcdef",
            "c.sd a1, 8(a0)",
            "c.ld a2, 8(a0)",
            "li a3, 0xfedcba98",
            "c.sw a3, 20(a0)",
            "c.lw a4, 20(a0)",
            in("a0") &raw mut MEM, out("a1") _, out("a2") d, out("a3") _, out("a4") w,
        )
    };
    check_eq!(30, d, 0x0123_4567_89ab_cdef);
    check_eq!(31, w, 0xffff_ffff_fedc_ba98);
    // SAFETY: MEM is ours.
    check_eq!(32, unsafe { (&raw const MEM as *const u64).add(1).read_volatile() }, 0x0123_4567_89ab_cdef);

    // 40..: control transfers.
    let (hits, link, after): (u64, u64, u64);
    // SAFETY: jumps stay within the block; ra is declared clobbered.
    unsafe {
        asm!(
            "li a0, 0",
            "c.j 1f",
            "c.addi a0, 16",           // skipped
            "1: la a1, 2f",
            "c.jr a1",
            "c.addi a0, 16",           // skipped
            "2: la a1, 3f",
            "c.jalr a1",
            "4: c.j 5f",
            "3: c.addi a0, 1",
            "la a2, 4b",
            "c.jr ra",
            "5: li a3, 0",
            "c.beqz a3, 6f",
            "c.addi a0, 16",           // skipped
            "6: c.bnez a3, 7f",        // not taken
            "c.addi a0, 2",
            "7: c.addi a3, 1",
            "c.bnez a3, 8f",
            "c.addi a0, 16",           // skipped
            "8:",
            out("a0") hits, out("a1") _, out("a2") after, out("a3") _, out("ra") link,
        )
    };
    check_eq!(40, hits, 3);
    check_eq!(41, link, after); // c.jalr links pc + 2

    // 45: a 32-bit instruction at a 2-byte-aligned address.
    let v: u64;
    // SAFETY: register-only instructions.
    unsafe {
        asm!(".balign 4", "c.li a0, 1", ".option push", ".option norvc", "addi a0, a0, 2", ".option pop", out("a0") v)
    };
    check_eq!(45, v, 3);
    // 46: a 32-bit instruction straddling a page boundary, in M and U.
    check_eq!(46, rvc_straddle(41), 42);
    expect_ok(47, run_in(Priv::U, rvc_straddle, 1), 2)?;

    // 50..: illegal encodings, mtval = the 16-bit instruction.
    expect_trap(50, run_in(Priv::M, rvc_zero, 0), exc::ILLEGAL_INSTRUCTION, Some(0))?;
    expect_trap(51, run_in(Priv::U, rvc_zero, 0), exc::ILLEGAL_INSTRUCTION, Some(0))?;
    expect_trap(52, run_in(Priv::M, rvc_lui0, 0), exc::ILLEGAL_INSTRUCTION, Some(0x6501))?;
    expect_trap(53, run_in(Priv::M, rvc_addi16sp0, 0), exc::ILLEGAL_INSTRUCTION, Some(0x6101))?;
    expect_trap(54, run_in(Priv::M, rvc_jr0, 0), exc::ILLEGAL_INSTRUCTION, Some(0x8002))?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
