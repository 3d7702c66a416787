//! RV64I control transfer (unpriv spec 2.5 "Control Transfer Instructions"):
//! the six conditional branches (signed and unsigned, taken and not taken,
//! backward), jal's link (pc+4), jalr target = (rs1 + imm) with bit 0 cleared,
//! jalr with rd = rs1 (target from the old value), and jalr/jal with rd = x0.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

/// `br!("blt", a, b)`: whether the branch is taken.
macro_rules! br {
    ($op:literal, $a:expr, $b:expr) => {{
        let t: u64;
        // SAFETY: a forward branch within the asm block.
        unsafe {
            asm!("li {t}, 1", concat!($op, " {a}, {b}, 2f"), "li {t}, 0", "2:",
                 t = out(reg) t, a = in(reg) $a as u64, b = in(reg) $b as u64)
        };
        t == 1
    }};
}

const NEG: u64 = (-5i64) as u64;

fn body() -> Checks {
    let cases = [
        (br!("beq", 7u64, 7u64), true),
        (br!("beq", 7u64, 8u64), false),
        (br!("bne", 7u64, 8u64), true),
        (br!("bne", NEG, NEG), false),
        (br!("blt", NEG, 1u64), true),
        (br!("blt", 1u64, NEG), false),
        (br!("blt", 3u64, 3u64), false),
        (br!("bge", 1u64, NEG), true),
        (br!("bge", 3u64, 3u64), true),
        (br!("bge", NEG, 1u64), false),
        (br!("bltu", 1u64, NEG), true),
        (br!("bltu", NEG, 1u64), false),
        (br!("bgeu", NEG, 1u64), true),
        (br!("bgeu", 0u64, 1u64), false),
        (br!("bgeu", 0u64, 0u64), true),
        (br!("blt", 1u64 << 63, (1u64 << 63) - 1), true), // i64::MIN < i64::MAX
        (br!("bltu", (1u64 << 63) - 1, 1u64 << 63), true),
    ];
    for (i, (got, want)) in cases.iter().enumerate() {
        check_eq!(i as u32 + 1, *got, *want);
    }

    // 30: a backward branch loop runs the expected number of times.
    let n: u64;
    // SAFETY: register-only loop.
    unsafe {
        asm!("li {n}, 0", "li t0, 10", "1: addi {n}, {n}, 1", "addi t0, t0, -1", "bnez t0, 1b", n = out(reg) n, out("t0") _)
    };
    check_eq!(30, n, 10);

    // 31-32: jal links pc+4 and jumps over the skipped instruction.
    let (link, after, skipped): (u64, u64, u64);
    // SAFETY: jal within the block; t1 holds the link.
    unsafe {
        asm!(
            ".option push", ".option norvc",
            "li {s}, 0",
            "jal t1, 2f",
            "3: li {s}, 1",
            "2: la {a}, 3b",
            ".option pop",
            s = out(reg) skipped, a = out(reg) after, out("t1") link,
        )
    };
    check_eq!(31, link, after);
    check_eq!(32, skipped, 0);

    // 33-34: jalr clears bit 0 of the target: "setting the least-significant bit of the result to zero".
    let (link, after, hit): (u64, u64, u64);
    // SAFETY: the target is a label in the block.
    unsafe {
        asm!(
            ".option push", ".option norvc",
            "li {h}, 0",
            "la t0, 2f",
            "addi t0, t0, -3", // target - 3; +4 below gives target + 1
            "jalr t1, 4(t0)",
            "3: j 4f",
            "2: li {h}, 1",
            "la {a}, 3b",
            "4:",
            ".option pop",
            h = out(reg) hit, a = out(reg) after, out("t0") _, out("t1") link,
        )
    };
    check_eq!(33, hit, 1);
    check_eq!(34, link, after);

    // 35: jalr t0, 0(t0): the target uses the old t0, then t0 gets the link.
    let (link, after): (u64, u64);
    // SAFETY: as above.
    unsafe {
        asm!(
            ".option push", ".option norvc",
            "la t0, 2f",
            "jalr t0, 0(t0)",
            "3: j 4f",
            "2: la {a}, 3b",
            "4:",
            ".option pop",
            a = out(reg) after, out("t0") link,
        )
    };
    check_eq!(35, link, after);

    // 36: jalr with a negative offset and rd = x0 (a plain indirect jump).
    let hit: u64;
    // SAFETY: as above.
    unsafe {
        asm!(
            "li {h}, 0",
            "la t0, 2f",
            "addi t0, t0, 16",
            "jalr x0, -16(t0)",
            "j 4f",
            "2: li {h}, 1",
            "4:",
            h = out(reg) hit, out("t0") _,
        )
    };
    check_eq!(36, hit, 1);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
