//! The F/D state as privileged software sees it: misa.F and misa.D;
//! mstatus.FS (privileged spec "Extension Context Status in mstatus
//! Register"): Off at reset, illegal-instruction for every F/D instruction and
//! fcsr access while Off, Dirty (with SD) after a write to an f register or
//! fcsr, and visible through sstatus; fcsr with its fflags and frm views
//! ("Floating-Point Control and Status Register"), accrued flags, and
//! reserved rounding modes, static or dynamic, raising illegal-instruction.
#![no_std]
#![no_main]

use core::arch::global_asm;
use fp_tests::*;

global_asm!(
    r#"
    .option push
    .option arch, +d
    .globl t_fadd, t_flw, t_fcsr, t_rm5, t_rm6, t_dyn, t_rne, t_cvt_dyn, t_fsgnj
t_fadd:    fmv.d.x ft0, a0
           fadd.d ft0, ft0, ft0
           fmv.x.d a0, ft0
           ret
t_flw:     flw ft0, 0(a0)
           ret
t_fcsr:    csrr a0, fcsr
           ret
t_rm5:     .4byte 0x001051d3    # fadd.s ft3, ft0, ft1 with rm = 101
           ret
t_rm6:     .4byte 0x001061d3    # fadd.s ft3, ft0, ft1 with rm = 110
           ret
t_dyn:     fadd.s ft3, ft0, ft1, dyn
           ret
t_rne:     fadd.s ft3, ft0, ft1, rne
           ret
t_cvt_dyn: .4byte 0x420071d3    # fcvt.d.s ft3, ft0 with rm = 111 (dyn)
           ret
t_fsgnj:   fsgnj.s ft3, ft0, ft1
           ret
    .option pop
"#
);
unsafe extern "C" {
    safe fn t_fadd(a: u64) -> u64;
    safe fn t_flw(a: u64) -> u64;
    safe fn t_fcsr(a: u64) -> u64;
    safe fn t_rm5(a: u64) -> u64;
    safe fn t_rm6(a: u64) -> u64;
    safe fn t_dyn(a: u64) -> u64;
    safe fn t_rne(a: u64) -> u64;
    safe fn t_cvt_dyn(a: u64) -> u64;
    safe fn t_fsgnj(a: u64) -> u64;
}

const FS: u64 = mstatus::FS;

/// ft3, read with fmv.x.d alone (no write to any FP state).
fn read_ft3() -> u64 {
    let v;
    // SAFETY: reads an f register, which the compiler does not use.
    unsafe { core::arch::asm!(".option push", ".option arch, +d", "fmv.x.d {}, ft3", ".option pop", out(reg) v) };
    v
}
const SD: u64 = 1 << 63;

fn fs() -> u64 {
    csrr!("mstatus") & FS
}

fn set_fs(v: u64) {
    hart_tests::csrc!("mstatus", FS);
    hart_tests::csrs!("mstatus", v);
}

fn illegal(n: u32, f: extern "C" fn(u64) -> u64, arg: u64, mode: Priv, bits: u64) -> Checks {
    expect_trap(n, run_in(mode, f, arg), exc::ILLEGAL_INSTRUCTION, Some(bits))
}

fn body() -> Checks {
    // Before anything else touches mstatus: FS is Off out of reset.
    check_eq!(1, fs(), mstatus::FS_OFF);
    setup();
    let misa = csrr!("misa");
    check_eq!(2, misa >> 5 & 1, 1); // F
    check_eq!(3, misa >> 3 & 1, 1); // D
                                    // FS = Off: F/D instructions and fcsr are illegal in every mode, before
                                    // any memory access; mtval holds the instruction.
    for (i, mode) in [Priv::M, Priv::S, Priv::U].into_iter().enumerate() {
        let n = 10 + 5 * i as u32;
        illegal(n, t_fadd, 1, mode, 0xf205_0053)?; // fmv.d.x ft0, a0
        illegal(n + 1, t_flw, 0x10, mode, 0x0005_2007)?; // flw ft0, 0(a0), a0 not RAM
        illegal(n + 2, t_fcsr, 0, mode, 0x0030_2573)?; // csrr a0, fcsr
    }
    // FS = Initial: usable everywhere; writing an f register makes it Dirty and sets SD.
    set_fs(mstatus::FS_INITIAL);
    check_eq!(30, csrr!("mstatus") & (FS | SD), mstatus::FS_INITIAL);
    check_eq!(31, run_in(Priv::U, t_fadd, dp::TWO), Ok(dp::FOUR)); // (run_in restores mstatus)
    check_eq!(32, ff!("fadd.d ft3, ft0, ft1", dp::ONE, dp::ONE), out(dp::TWO, 0));
    check_eq!(33, csrr!("mstatus") & (FS | SD), mstatus::FS_DIRTY | SD);
    check_eq!(34, csrr!("sstatus") & (FS | SD), mstatus::FS_DIRTY | SD);
    // Clean: reading an f register leaves it Clean; an fcsr write dirties it.
    set_fs(mstatus::FS_CLEAN);
    check_eq!(35, csrr!("mstatus") & (FS | SD), mstatus::FS_CLEAN);
    check_eq!(36, (read_ft3(), fs()), (dp::TWO, mstatus::FS_CLEAN));
    csrw!("fflags", 0);
    check_eq!(37, csrr!("mstatus") & (FS | SD), mstatus::FS_DIRTY | SD);
    // sstatus writes FS.
    hart_tests::csrc!("sstatus", FS);
    check_eq!(38, csrr!("mstatus") & (FS | SD), mstatus::FS_OFF);
    hart_tests::csrs!("sstatus", mstatus::FS_INITIAL);
    check_eq!(39, fs(), mstatus::FS_INITIAL);
    // fcsr and its views; bits 31:8 read as zero.
    csrw!("fcsr", 0xffff_ffff);
    check_eq!(40, (csrr!("fcsr"), csrr!("frm"), csrr!("fflags")), (0xff, 7, 0x1f));
    csrw!("frm", 2);
    check_eq!(41, csrr!("fcsr"), 0x5f);
    csrw!("fflags", 0x21);
    check_eq!(42, csrr!("fcsr"), 0x41);
    // Flags accrue until software clears them.
    let r = ff!("fdiv.s ft3, ft0, ft1\nfsqrt.s ft3, ft2", sp::ONE, sp::ZERO, sp::NEG_ONE);
    check_eq!(43, r, out(sp::QNAN, DZ | NV));
    let r = ff!("fadd.s ft3, ft0, ft1\nfmul.s ft3, ft0, ft2", sp::ONE, sp::HALF_ULP, sp::MAX);
    check_eq!(44, r, out(sp::MAX, NX));
    // Reserved static rounding modes are illegal; reserved frm values make
    // only instructions with rm = dyn illegal (fcvt.d.s included: its rm is
    // decoded as usual although it cannot change the result).
    illegal(50, t_rm5, 0, Priv::M, 0x0010_51d3)?;
    illegal(51, t_rm6, 0, Priv::U, 0x0010_61d3)?;
    for (i, frm) in [5u64, 6, 7].into_iter().enumerate() {
        let n = 52 + 4 * i as u32;
        csrw!("frm", frm);
        illegal(n, t_dyn, 0, Priv::M, 0x0010_71d3)?;
        illegal(n + 1, t_cvt_dyn, 0, Priv::S, 0x4200_71d3)?;
        check_eq!(n + 2, run_in(Priv::M, t_rne, 0), Ok(0));
        check_eq!(n + 3, run_in(Priv::M, t_fsgnj, 0), Ok(0));
    }
    csrw!("frm", 0);
    check_eq!(70, run_in(Priv::M, t_dyn, 0), Ok(0));
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
