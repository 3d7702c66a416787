//! The instructions that move bits without rounding: fsgnj, fsgnjn, fsgnjx
//! (NaN payloads kept, no flags), fmv.x.w/fmv.w.x/fmv.x.d/fmv.d.x, and the
//! loads and stores flw, fsw, fld, fsd with c.fld, c.fsd, c.fldsp, c.fsdsp.
//! Narrower transfers into an f register NaN-box the value; transfers out
//! take the low bits and ignore the boxing (D chapter, "NaN Boxing of
//! Narrower Values"); loads and stores keep non-canonical NaNs unchanged.
#![no_std]
#![no_main]

use core::ptr::{addr_of_mut, read_volatile, write_volatile};
use fp_tests::*;

macro_rules! sign_cases {
    ($f:literal, $v:ident) => {{
        use $v::*;
        [
            (ff!(op!("fsgnj", $f, "ft3, ft0, ft1"), ONE, NEG_TWO), out(NEG_ONE, 0)),
            (ff!(op!("fsgnj", $f, "ft3, ft0, ft1"), NEG_ONE, TWO), out(ONE, 0)),
            (ff!(op!("fsgnjn", $f, "ft3, ft0, ft1"), ONE, NEG_TWO), out(ONE, 0)),
            (ff!(op!("fsgnjn", $f, "ft3, ft0, ft0"), ONE), out(NEG_ONE, 0)), // fneg
            (ff!(op!("fsgnjx", $f, "ft3, ft0, ft1"), NEG_ONE, NEG_TWO), out(ONE, 0)),
            (ff!(op!("fsgnjx", $f, "ft3, ft0, ft0"), NEG_INF), out(INF, 0)), // fabs
            (ff!(op!("fsgnj", $f, "ft3, ft0, ft1"), NEG_ZERO, ZERO), out(ZERO, 0)),
            // NaNs: sign injected, payload kept, no NV even for a signaling NaN.
            (ff!(op!("fsgnj", $f, "ft3, ft0, ft1"), SNAN, NEG_ONE), out(neg(SNAN), 0)),
            (ff!(op!("fsgnjx", $f, "ft3, ft0, ft1"), NEG_QNAN_PAYLOAD, NEG_ONE), out(abs(NEG_QNAN_PAYLOAD), 0)),
            (ff!(op!("fsgnjn", $f, "ft3, ft0, ft1"), ONE, NEG_SNAN_PAYLOAD), out(ONE, 0)),
        ]
    }};
}

/// Memory for the loads and stores.
static mut MEM: [u64; 4] = [0; 4];

fn mem() -> u64 {
    addr_of_mut!(MEM) as u64
}

fn peek(i: usize) -> u64 {
    // SAFETY: MEM is this program's; single hart.
    unsafe { read_volatile((addr_of_mut!(MEM) as *mut u64).add(i)) }
}

fn poke(i: usize, v: u64) {
    // SAFETY: as in `peek`.
    unsafe { write_volatile((addr_of_mut!(MEM) as *mut u64).add(i), v) }
}

/// c.fsd fa0 to 8(a1), c.fld fa1 from it, c.fsdsp fa1 and c.fldsp fa2 via
/// the stack; returns fa2 and the doubleword at 8(a1).
fn compressed(v: u64, base: u64) -> (u64, u64) {
    let (r, stored): (u64, u64);
    // SAFETY: writes MEM[1] and 16 bytes of stack below sp, restored; f
    // registers are unused by the compiler.
    unsafe {
        core::arch::asm!(
            ".option push",
            ".option arch, +d",
            "fmv.d.x fa0, {v}",
            "c.fsd fa0, 8(a1)",
            "c.fld fa1, 8(a1)",
            "addi sp, sp, -16",
            "c.fsdsp fa1, 8(sp)",
            "c.fldsp fa2, 8(sp)",
            "addi sp, sp, 16",
            "fmv.x.d {r}, fa2",
            "ld {s}, 8(a1)",
            ".option pop",
            v = in(reg) v,
            r = out(reg) r,
            s = out(reg) stored,
            in("a1") base,
        )
    };
    (r, stored)
}

fn body() -> Checks {
    fp_on();
    check_all(1, &sign_cases!("s", sp))?;
    check_all(21, &sign_cases!("d", dp))?;
    let moves = [
        // 41..: fmv.x.w sign-extends the low 32 bits, boxed or not.
        (fx!("fmv.x.w t6, ft0", sp::NEG_ONE), out(0xffff_ffff_bf80_0000, 0)),
        (fx!("fmv.x.w t6, ft0", sp::ONE), out(0x3f80_0000, 0)),
        (fx!("fmv.x.w t6, ft0", 0x1234_5678_8000_0001u64), out(0xffff_ffff_8000_0001, 0)),
        (fx!("fmv.x.w t6, ft0", sp::SNAN), out(0x7f80_0001, 0)),
        (fx!("fmv.x.d t6, ft0", dp::NEG_SNAN_PAYLOAD), out(dp::NEG_SNAN_PAYLOAD, 0)),
        (fx!("fmv.x.d t6, ft0", sp::ONE), out(sp::ONE, 0)),
        // fmv.w.x boxes the low 32 bits; fmv.d.x moves all 64.
        (xf!("fmv.w.x ft3, t5", 0xdead_beef_7f80_0001u64), out(s(0x7f80_0001), 0)),
        (xf!("fmv.d.x ft3, t5", 0xfff0_0000_0000_0001u64), out(0xfff0_0000_0000_0001, 0)),
        // fsgnj.s on an unboxed operand: the canonical NaN, with the new sign.
        (ff!("fsgnj.s ft3, ft0, ft1", dp::ONE, sp::NEG_ONE), out(s(0xffc0_0000), 0)),
        (ff!("fsgnjx.s ft3, ft0, ft1", sp::ONE, dp::ONE), out(sp::ONE, 0)), // rs2's "sign" from a NaN
    ];
    check_all(41, &moves)?;
    // 61..: loads box singles and keep every bit; stores write the low bits.
    poke(0, 0x7fa0_0001_ff80_0001);
    let loads = [
        (xf!("flw ft3, 0(t5)", mem()), out(s(0xff80_0001), 0)),
        (xf!("flw ft3, 4(t5)", mem()), out(s(0x7fa0_0001), 0)),
        (xf!("fld ft3, 0(t5)", mem()), out(0x7fa0_0001_ff80_0001, 0)),
    ];
    check_all(61, &loads)?;
    fp_run!("fsw ft0, 8(t5)", 0x0123_4567_89ab_cdefu64, 0, 0, mem());
    check_eq!(64, peek(1) & 0xffff_ffff, 0x89ab_cdef);
    fp_run!("fsd ft0, 16(t5)", dp::SNAN, 0, 0, mem());
    check_eq!(65, peek(2), dp::SNAN);
    fp_run!("fsw ft0, -4(t5)", sp::NEG_QNAN_PAYLOAD, 0, 0, mem() + 16);
    check_eq!(66, peek(1) >> 32, 0xffc1_2345);
    // 67..: the compressed loads and stores.
    poke(1, 0);
    let (r, stored) = compressed(0x7ff0_dead_beef_0001, mem());
    check_eq!(67, (r, stored), (0x7ff0_dead_beef_0001, 0x7ff0_dead_beef_0001));
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
