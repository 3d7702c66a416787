//! RV64A load-reserved/store-conditional (unpriv spec 8.2 "Load-Reserved/
//! Store-Conditional Instructions"), only what the spec guarantees on one hart:
//! LR then SC to the same address succeeds (rd = 0) and writes; "Regardless of
//! success or failure, executing an SC instruction invalidates any reservation
//! held by this hart", so a second SC fails with code 1 (table 8.1) and writes
//! nothing; LR.W sign-extends and SC.W writes one word; an LR/SC increment loop
//! makes progress in M and U. Misaligned: "If the address is not naturally
//! aligned, an address-misaligned exception or an access-fault exception will
//! be generated": LR gives cause 4 (or 5), tval = address. Misaligned SC:
//! qemubug_sc_misaligned.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

static mut CELL: [u64; 2] = [0; 2];

fn cell() -> *mut u64 {
    &raw mut CELL as *mut u64
}

fn set(v: u64) {
    // SAFETY: CELL is ours.
    unsafe { cell().write_volatile(v) }
}

fn get() -> u64 {
    // SAFETY: CELL is ours.
    unsafe { cell().read_volatile() }
}

/// lr.d; sc.d v; sc.d v+1: returns (loaded, first rd, second rd).
fn lr_sc_sc(v: u64) -> (u64, u64, u64) {
    let (l, a, b): (u64, u64, u64);
    // SAFETY: CELL is ours.
    unsafe {
        asm!(
            "lr.d {l}, ({p})",
            "sc.d {a}, {v}, ({p})",
            "addi {v}, {v}, 1",
            "sc.d {b}, {v}, ({p})",
            l = out(reg) l, a = out(reg) a, b = out(reg) b, v = inout(reg) v => _, p = in(reg) cell(),
        )
    };
    (l, a, b)
}

/// Adds 1 to *p `arg` times with an LR/SC loop; returns the final value.
extern "C" fn lrsc_count(times: u64) -> u64 {
    let v: u64;
    // SAFETY: CELL is ours.
    unsafe {
        asm!(
            "1: lr.d {v}, ({p})",
            "addi {v}, {v}, 1",
            "sc.d {t}, {v}, ({p})",
            "bnez {t}, 1b",
            "addi {n}, {n}, -1",
            "bnez {n}, 1b",
            v = out(reg) v, t = out(reg) _, n = inout(reg) times => _, p = in(reg) cell(),
        )
    };
    v
}

extern "C" fn lr_w(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("lr.w {d}, ({p})", d = out(reg) d, p = in(reg) p) };
    d
}

extern "C" fn lr_d(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("lr.d {d}, ({p})", d = out(reg) d, p = in(reg) p) };
    d
}

fn sc_w(p: u64) -> u64 {
    let d: u64;
    // SAFETY: p is in CELL.
    unsafe { asm!("sc.w {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 7u64, p = in(reg) p) };
    d
}

fn body() -> Checks {
    setup();
    // 1..: success, then failure after the reservation is consumed.
    set(0x1234);
    let (l, a, b) = lr_sc_sc(0x5678);
    check_eq!(1, l, 0x1234);
    check_eq!(2, a, 0);
    check_eq!(3, b, 1);
    check_eq!(4, get(), 0x5678);
    // 5..: LR.W sign-extends, SC.W writes only its word.
    set(0x1111_1111_8000_0000);
    let (l, ok): (u64, u64);
    // SAFETY: CELL is ours.
    unsafe {
        asm!("lr.w {l}, ({p})", "sc.w {o}, {v}, ({p})", l = out(reg) l, o = out(reg) ok, v = in(reg) 0xffff_ffff_0000_0001u64, p = in(reg) cell())
    };
    check_eq!(5, l, 0xffff_ffff_8000_0000);
    check_eq!(6, ok, 0);
    check_eq!(7, get(), 0x1111_1111_0000_0001);
    // 8: SC with no reservation (the last SC consumed it) fails and does not write.
    let r = sc_w(cell() as u64);
    check_eq!(8, (r, get()), (1, 0x1111_1111_0000_0001));
    // 10..: LR/SC loops complete in M and U.
    set(0);
    expect_ok(10, run_in(Priv::M, lrsc_count, 100), 100)?;
    expect_ok(11, run_in(Priv::U, lrsc_count, 100), 200)?;
    // 20..: misaligned LR traps with cause 4 (or 5), tval = address, in M/S/U.
    let base = cell() as u64;
    for (i, mode) in [Priv::M, Priv::S, Priv::U].into_iter().enumerate() {
        let n = 20 + 2 * i as u32;
        expect_trap_in(n, run_in(mode, lr_w, base + 2), &[4, 5], Some(base + 2))?;
        expect_trap_in(n + 1, run_in(mode, lr_d, base + 4), &[4, 5], Some(base + 4))?;
    }
    check_eq!(30, get(), 200);
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
