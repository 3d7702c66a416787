//! RV64I loads and stores (unpriv spec 2.6 "Load and Store Instructions", 5.3
//! RV64I "Load and Store Instructions"): every width, sign and zero extension,
//! store widths touching only their bytes, negative offsets, and misaligned
//! accesses. 2.6 lets an EEI either perform misaligned accesses or trap;
//! QEMU's virt performs them (also across a page boundary, in M and in U with
//! satp bare), and sv39 copies that.
#![no_std]
#![no_main]

use core::arch::asm;
use hart_tests::*;

#[repr(C, align(4096))]
struct Pages([u8; 8192]);
static mut BUF: Pages = Pages([0; 8192]);

fn buf() -> *mut u8 {
    &raw mut BUF as *mut u8
}

/// `ld!("lh", addr)`: load at `addr`.
macro_rules! ld {
    ($op:literal, $p:expr) => {{
        let v: u64;
        // SAFETY: `$p` points into BUF.
        unsafe { asm!(concat!($op, " {v}, 0({p})"), v = out(reg) v, p = in(reg) $p) };
        v
    }};
}

/// `st!("sh", addr, v)`: store `v` at `addr`.
macro_rules! st {
    ($op:literal, $p:expr, $v:expr) => {{
        // SAFETY: `$p` points into BUF.
        unsafe { asm!(concat!($op, " {v}, 0({p})"), v = in(reg) $v as u64, p = in(reg) $p) };
    }};
}

/// Fills BUF[at..at+16] with 0x81, 0x82, ... (high bit set: sign extension shows).
fn fill(at: usize) {
    for i in 0..16 {
        // SAFETY: within BUF.
        unsafe { buf().add(at + i).write_volatile(0x81 + i as u8) };
    }
}

/// The little-endian value of `n` bytes of the fill pattern starting at byte `k`.
fn pattern(k: usize, n: usize) -> u64 {
    (0..n).fold(0, |v, i| v | ((0x81 + (k + i) as u64) << (8 * i)))
}

fn sext(v: u64, bits: u32) -> u64 {
    (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
}

/// Loads of every width at offset `off` from a filled region at `at`; checks base n.
fn loads_at(n: u32, at: usize, off: usize) -> Checks {
    fill(at);
    // SAFETY: within BUF.
    let p = unsafe { buf().add(at + off) };
    check_eq!(n, ld!("lb", p), sext(pattern(off, 1), 8));
    check_eq!(n + 1, ld!("lbu", p), pattern(off, 1));
    check_eq!(n + 2, ld!("lh", p), sext(pattern(off, 2), 16));
    check_eq!(n + 3, ld!("lhu", p), pattern(off, 2));
    check_eq!(n + 4, ld!("lw", p), sext(pattern(off, 4), 32));
    check_eq!(n + 5, ld!("lwu", p), pattern(off, 4));
    check_eq!(n + 6, ld!("ld", p), pattern(off, 8));
    Ok(())
}

/// Stores of every width at offset `off`, each checked byte by byte (neighbours untouched).
fn stores_at(n: u32, at: usize, off: usize) -> Checks {
    let v = 0x1122_3344_5566_7788u64;
    for (i, width) in [1usize, 2, 4, 8].into_iter().enumerate() {
        fill(at);
        // SAFETY: within BUF.
        let p = unsafe { buf().add(at + off) };
        match width {
            1 => st!("sb", p, v),
            2 => st!("sh", p, v),
            4 => st!("sw", p, v),
            _ => st!("sd", p, v),
        }
        for k in 0..16 {
            // SAFETY: within BUF.
            let got = unsafe { buf().add(at + k).read_volatile() };
            let want = if k >= off && k < off + width { (v >> (8 * (k - off))) as u8 } else { 0x81 + k as u8 };
            check_eq!(n + i as u32, (k, got), (k, want));
        }
    }
    Ok(())
}

extern "C" fn u_misaligned(p: u64) -> u64 {
    let p = p as *mut u8;
    st!("sd", p, 0xa1a2_a3a4_a5a6_a7a8u64);
    ld!("lw", p.wrapping_add(2)) ^ ld!("ld", p)
}

fn body() -> Checks {
    setup();
    // 1..: aligned loads, then a negative offset.
    loads_at(1, 64, 0)?;
    fill(64);
    let v: u64;
    // SAFETY: within BUF.
    unsafe { asm!("ld {v}, -8({p})", v = out(reg) v, p = in(reg) buf().add(72)) };
    check_eq!(8, v, pattern(0, 8));
    // 10..: aligned stores.
    stores_at(10, 64, 0)?;
    stores_at(14, 64, 8)?;
    // 20..: misaligned loads and stores at every offset of a doubleword.
    for off in 1..8 {
        loads_at(20 + 10 * off as u32, 64, off)?;
        stores_at(25 + 10 * off as u32, 64, off)?;
    }
    // 100..: across the page boundary at 4096.
    for off in 1..8 {
        loads_at(100 + 10 * off as u32, 4096 - 8, 8 - off)?;
        stores_at(105 + 10 * off as u32, 4096 - 8, 8 - off)?;
    }
    // 180: the same from U-mode (satp bare, PMP open), across the page boundary.
    // SAFETY: within BUF.
    let p = unsafe { buf().add(4096 - 3) } as u64;
    expect_ok(180, run_in(Priv::U, u_misaligned, p), 0xffff_ffff_a3a4_a5a6 ^ 0xa1a2_a3a4_a5a6_a7a8)?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
