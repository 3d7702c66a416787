//! Physical memory protection without locking (priv spec 3.7 "Physical
//! Memory Protection"): TOR, NA4 and NAPOT address matching; R/W/X checked for
//! S and U loads, stores and fetches (access faults 5/7/1 with tval = the
//! address); "The lowest-numbered PMP entry that matches any byte of an access
//! determines whether that access succeeds or fails. The matching PMP entry
//! must match all bytes of an access, or the access fails"; "If no PMP entry
//! matches an S-mode or U-mode access, but at least one PMP entry is
//! implemented, the access fails" (even with every entry OFF: how, in
//! qemubug_pmp_all_off); unlocked entries do not apply to M, except through
//! MPRV (3.1.6.3). pmpaddr's width: qemubug_pmpaddr_width.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use hart_tests::*;
use sv39_arch::csr::pmpcfg::{A_NA4, A_NAPOT, A_SHIFT, A_TOR, R, W, X};

#[repr(C, align(4096))]
struct Pages([u8; 3 * 4096]);
static mut PAGES: Pages = Pages([0; 3 * 4096]);

global_asm!(
    r#"
    .globl p_load, p_load_w, p_store, p_jump, p_mprv_load
p_load:   ld a0, 0(a0)
          ret
p_load_w: lw a0, 0(a0)
          ret
p_store:  sd a0, 0(a0)
          ret
p_jump:   jr a0
    # M: load with MPRV = 1, MPP = U.
p_mprv_load:
    li t0, 0x1800
    csrc mstatus, t0
    li t0, 0x20000
    csrs mstatus, t0
    ld a0, 0(a0)
    csrc mstatus, t0
    ret
"#
);
unsafe extern "C" {
    safe fn p_load(a: u64) -> u64;
    safe fn p_load_w(a: u64) -> u64;
    safe fn p_store(a: u64) -> u64;
    safe fn p_jump(a: u64) -> u64;
    safe fn p_mprv_load(a: u64) -> u64;
}

fn page(i: u64) -> u64 {
    &raw mut PAGES as u64 + 4096 * i
}

const fn napot(base: u64, size: u64) -> u64 {
    (base >> 2) | ((size >> 3) - 1)
}

fn set_cfg(entry: u32, cfg: u8) {
    let shift = 8 * entry;
    let v = (csrr!("pmpcfg0") & !(0xff << shift)) | ((cfg as u64) << shift);
    csrw!("pmpcfg0", v);
    // SAFETY: orders the PMP change before later accesses (3.7.2).
    unsafe { asm!("sfence.vma") };
}

/// Puts `addi a0, x0, 42; ret` at `at` so a jump there returns 42.
fn plant_code(at: u64) {
    // SAFETY: `at` is in PAGES, writable from M.
    unsafe {
        (at as *mut u32).write_volatile(0x02a0_0513);
        (at as *mut u32).add(1).write_volatile(0x0000_8067);
        asm!("fence.i");
    }
}

/// Checks load, store and fetch at `addr` from `mode`: each either works or
/// faults with the right cause and tval. Uses checks n, n+1, n+2.
fn access(n: u32, mode: Priv, addr: u64, r: bool, w: bool, x: bool) -> Checks {
    let fault = |ok: bool, cause: u64| if ok { None } else { Some(cause) };
    let got = run_in(mode, p_load, addr);
    match fault(r, exc::LOAD_ACCESS_FAULT) {
        None => check!(n, got.is_ok(), "load {addr:#x} from {mode:?}: {got:x?}"),
        Some(c) => expect_trap(n, got, c, Some(addr))?,
    }
    let got = run_in(mode, p_store, addr);
    match fault(w, exc::STORE_ACCESS_FAULT) {
        None => check!(n + 1, got.is_ok(), "store {addr:#x} from {mode:?}: {got:x?}"),
        Some(c) => expect_trap(n + 1, got, c, Some(addr))?,
    }
    plant_code(addr);
    let got = run_in(mode, p_jump, addr);
    match fault(x, exc::INSTRUCTION_ACCESS_FAULT) {
        None => check_eq!(n + 2, got, Ok(42)),
        Some(c) => check_eq!(n + 2, got, Err(Trap { cause: c, tval: addr, epc: addr })),
    }
    Ok(())
}

const RAM: u64 = 0x8000_0000;
const NAPOT: u8 = A_NAPOT << A_SHIFT;
const TOR: u8 = A_TOR << A_SHIFT;
const NA4: u8 = A_NA4 << A_SHIFT;

fn body() -> Checks {
    setup();
    let (a, b, c) = (page(0), page(1), page(2));
    // 1: every entry OFF: U cannot run.
    csrw!("pmpcfg0", 0);
    csrw!("pmpcfg2", 0);
    let r = run_in(Priv::U, p_load, a);
    check!(1, r.is_err(), "U ran with every PMP entry OFF: {r:x?}");

    // Layout: 0 NA4 on c[0..4] RW; 1 NAPOT on page a; 2 OFF with pmpaddr = b
    // (bottom of 3); 3 TOR [b, b + 4096); 4 NAPOT on page c, no access;
    // 7 NAPOT on the first 64 MiB of RAM, RWX (this image).
    csrw!("pmpaddr0", c >> 2);
    csrw!("pmpaddr1", napot(a, 4096));
    csrw!("pmpaddr2", b >> 2);
    csrw!("pmpaddr3", (b + 4096) >> 2);
    csrw!("pmpaddr4", napot(c, 4096));
    csrw!("pmpaddr7", napot(RAM, 64 << 20));
    csrw!("pmpcfg0", 0);
    set_cfg(0, NA4 | R | W);
    set_cfg(4, NAPOT);
    set_cfg(7, NAPOT | R | W | X);
    // 2..: the image runs in U; no entry matches the UART or RAM above 64 MiB.
    expect_ok(2, run_in(Priv::U, p_load, a), 0)?;
    access(3, Priv::U, RAM + (64 << 20), false, false, false)?;
    access(6, Priv::S, RAM + (100 << 20), false, false, false)?;
    expect_trap(9, run_in(Priv::U, p_load_w, 0x1000_0004), exc::LOAD_ACCESS_FAULT, Some(0x1000_0004))?;

    // 10..: NAPOT on page a with each permission set (W without R is reserved).
    let perms = [
        (0, false, false, false),
        (R, true, false, false),
        (R | W, true, true, false),
        (X, false, false, true),
        (R | X, true, false, true),
        (R | W | X, true, true, true),
    ];
    for (i, (p, r, w, x)) in perms.into_iter().enumerate() {
        set_cfg(1, NAPOT | p);
        access(10 + 6 * i as u32, Priv::U, a + 0x800, r, w, x)?;
        access(13 + 6 * i as u32, Priv::S, a + 0xff8, r, w, x)?;
    }

    // 50..: TOR [b, b + 4096) read-only; its ends are exact.
    set_cfg(1, NAPOT | R | W); // page a, just below b
    set_cfg(3, TOR | R);
    access(50, Priv::U, b, true, false, false)?;
    access(53, Priv::U, b + 4088, true, false, false)?;
    access(56, Priv::U, b - 8, true, true, false)?; // entry 1
    access(59, Priv::U, b + 4096 + 8, false, false, false)?; // entry 4
    set_cfg(3, TOR | R | W | X);
    access(62, Priv::U, b + 16, true, true, true)?;

    // 70..: NA4 on c[0..4] beats entry 4 for its word only; an 8-byte access
    // matching it partially fails.
    expect_ok(70, run_in(Priv::U, p_load_w, c), 0)?;
    expect_trap(71, run_in(Priv::U, p_load_w, c + 4), exc::LOAD_ACCESS_FAULT, Some(c + 4))?;
    expect_trap(72, run_in(Priv::U, p_load, c), exc::LOAD_ACCESS_FAULT, Some(c))?;
    expect_trap(73, run_in(Priv::S, p_store, c), exc::STORE_ACCESS_FAULT, Some(c))?;

    // 80..: unlocked entries do not apply to M, but do through MPRV with MPP = U.
    check!(80, run_in(Priv::M, p_load, c + 8).is_ok(), "M load from a no-access page");
    check!(81, run_in(Priv::M, p_store, c + 8).is_ok(), "M store to a no-access page");
    check!(82, run_in(Priv::M, p_load, RAM + (64 << 20)).is_ok(), "M load with no matching entry");
    plant_code(c + 16);
    expect_ok(83, run_in(Priv::M, p_jump, c + 16), 42)?;
    expect_trap(84, run_in(Priv::M, p_mprv_load, c + 8), exc::LOAD_ACCESS_FAULT, Some(c + 8))?;
    expect_ok(85, run_in(Priv::M, p_mprv_load, a), 0)?;

    bare::pmp_allow_all();
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
