//! Zicsr instructions (unpriv spec 9.1 "CSR Instructions", priv spec 2.1 "CSR
//! Address Mapping Conventions"): csrrw/csrrs/csrrc and the immediate forms
//! return the old value and write as specified (zimm zero-extended); writes to
//! read-only CSRs (address bits [11:10] = 11) are illegal, but "if rs1=x0, then
//! the instruction will not write to the CSR at all" (likewise uimm = 0), so
//! csrrs/csrrc with x0 or 0 are legal reads; accessing a CSR above the current
//! privilege (bits [9:8]) or one that does not exist is illegal; mtval gets
//! the instruction bits (priv 3.1.16). A register holding 0: qemubug_csrrs_zero.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use hart_tests::*;

// Instructions that must trap; each returns a0 if it does not.
global_asm!(
    r#"
    .globl z_w_hartid, z_si_hartid, z_ci_hartid0, z_s_hartid_x0
    .globl z_w_cycle, z_unimpl_m, z_unimpl_u, z_m_from_s, z_s_from_u, z_wi_vendor
z_w_hartid:      csrw mhartid, a0
                 ret
z_si_hartid:     csrrsi a0, mhartid, 1
                 ret
z_ci_hartid0:    csrrci a0, mhartid, 0
                 ret
z_s_hartid_x0:   csrrs a0, mhartid, x0
                 ret
z_wi_vendor:     csrrwi a0, mvendorid, 0
                 ret
z_w_cycle:       csrw cycle, a0
                 ret
z_unimpl_m:      csrr a0, 0x7c0
                 ret
z_unimpl_u:      csrr a0, 0x0ff
                 ret
z_m_from_s:      csrr a0, mscratch
                 ret
z_s_from_u:      csrr a0, sscratch
                 ret
"#
);
unsafe extern "C" {
    safe fn z_w_hartid(a: u64) -> u64;
    safe fn z_si_hartid(a: u64) -> u64;
    safe fn z_ci_hartid0(a: u64) -> u64;
    safe fn z_s_hartid_x0(a: u64) -> u64;
    safe fn z_wi_vendor(a: u64) -> u64;
    safe fn z_w_cycle(a: u64) -> u64;
    safe fn z_unimpl_m(a: u64) -> u64;
    safe fn z_unimpl_u(a: u64) -> u64;
    safe fn z_m_from_s(a: u64) -> u64;
    safe fn z_s_from_u(a: u64) -> u64;
}

/// The 32-bit instruction at `pc` (what mtval must hold for an illegal CSR access).
fn insn_at(pc: u64) -> u64 {
    // SAFETY: pc is the address of an instruction in this image.
    unsafe { (pc as *const u32).read_unaligned() as u64 }
}

/// Expects `f` to trap with an illegal instruction in `mode`, mtval = its bits.
fn expect_illegal(n: u32, mode: Priv, f: extern "C" fn(u64) -> u64) -> Checks {
    let r = run_in(mode, f, 0);
    let want = r.err().map(|t| insn_at(t.epc));
    expect_trap(n, r, exc::ILLEGAL_INSTRUCTION, want)?;
    check!(n, want != Some(0), "mtval should be the instruction bits");
    Ok(())
}

fn body() -> Checks {
    setup();
    // 1..: register forms on mscratch.
    let (old, a, b, c, d): (u64, u64, u64, u64, u64);
    // SAFETY: mscratch is free for tests.
    unsafe {
        asm!(
            "li t0, 0x00ff00ff00ff00ff",
            "csrw mscratch, t0",
            "li t0, 0x0123456789abcdef",
            "csrrw {old}, mscratch, t0",   // old = 00ff.., new = 0123..
            "li t0, 0xf000000000000000",
            "csrrs {a}, mscratch, t0",     // a = 0123.., new = f123..
            "li t0, 0x00000000000000ff",
            "csrrc {b}, mscratch, t0",     // b = f123..cdef, new = f123..cd00
            "csrrs {c}, mscratch, x0",     // c = f123..cd00, no write
            "csrr {d}, mscratch",
            old = out(reg) old, a = out(reg) a, b = out(reg) b, c = out(reg) c, d = out(reg) d, out("t0") _,
        )
    };
    check_eq!(1, old, 0x00ff_00ff_00ff_00ff);
    check_eq!(2, a, 0x0123_4567_89ab_cdef);
    check_eq!(3, b, 0xf123_4567_89ab_cdef);
    check_eq!(4, c, 0xf123_4567_89ab_cd00);
    check_eq!(5, d, 0xf123_4567_89ab_cd00);

    // 10..: immediate forms: zimm is zero-extended (31 stays 31, not -1).
    let (a, b, c, d, e): (u64, u64, u64, u64, u64);
    // SAFETY: as above.
    unsafe {
        asm!(
            "csrrwi {a}, mscratch, 31",    // a = old, new = 31
            "csrrsi {b}, mscratch, 0",     // b = 31, no write
            "csrrci {c}, mscratch, 5",     // c = 31, new = 26
            "csrrsi {d}, mscratch, 1",     // d = 26, new = 27
            "csrr {e}, mscratch",
            a = out(reg) a, b = out(reg) b, c = out(reg) c, d = out(reg) d, e = out(reg) e,
        )
    };
    check_eq!(10, a, 0xf123_4567_89ab_cd00);
    check_eq!(11, b, 31);
    check_eq!(12, c, 31);
    check_eq!(13, d, 26);
    check_eq!(14, e, 27);

    // 15: csrrw with rd = rs1 swaps.
    let v: u64;
    // SAFETY: as above.
    unsafe { asm!("li {v}, 99", "csrrw {v}, mscratch, {v}", v = out(reg) v) };
    check_eq!(15, (v, csrr!("mscratch")), (27, 99));

    // 20..: read-only CSRs: reads without a write are legal, writes trap.
    expect_ok(20, run_in(Priv::M, z_s_hartid_x0, 7), 0)?;
    expect_ok(21, run_in(Priv::M, z_ci_hartid0, 7), 0)?;
    expect_illegal(22, Priv::M, z_w_hartid)?;
    expect_illegal(24, Priv::M, z_si_hartid)?;
    expect_illegal(25, Priv::M, z_wi_vendor)?;
    expect_illegal(26, Priv::M, z_w_cycle)?;
    // 30..: CSRs that do not exist (custom 0x7c0, standard unallocated 0x0ff).
    expect_illegal(30, Priv::M, z_unimpl_m)?;
    expect_illegal(31, Priv::M, z_unimpl_u)?;
    expect_illegal(32, Priv::U, z_unimpl_u)?;
    // 35..: privilege: M CSRs from S, S CSRs from U.
    expect_illegal(35, Priv::S, z_m_from_s)?;
    expect_illegal(36, Priv::U, z_m_from_s)?;
    expect_illegal(37, Priv::U, z_s_from_u)?;
    csrw!("sscratch", 0x55);
    expect_ok(38, run_in(Priv::S, z_s_from_u, 0), 0x55)?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
