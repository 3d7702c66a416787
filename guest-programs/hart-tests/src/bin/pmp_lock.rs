//! Locked PMP entries (priv spec 3.7.1 "Locking and Privilege Mode"): "When
//! the L bit is set, these permissions are enforced for all privilege modes"
//! (M included) and "writes to the configuration register and associated
//! address registers are ignored"; "If PMP entry i is locked and pmpicfg.A is
//! set to TOR, writes to pmpaddri-1 are ignored"; locks last until reset, so
//! this program is the only one that sets them. An M access that no entry
//! matches still succeeds.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use hart_tests::*;
use sv39_arch::csr::pmpcfg::{A_NAPOT, A_SHIFT, A_TOR, L, R, W, X};

#[repr(C, align(4096))]
struct Pages([u8; 2 * 4096]);
static mut PAGES: Pages = Pages([0; 2 * 4096]);

global_asm!(
    r#"
    .globl l_load, l_store, l_jump
l_load:  ld a0, 0(a0)
         ret
l_store: sd a0, 0(a0)
         ret
l_jump:  jr a0
"#
);
unsafe extern "C" {
    safe fn l_load(a: u64) -> u64;
    safe fn l_store(a: u64) -> u64;
    safe fn l_jump(a: u64) -> u64;
}

const NAPOT: u8 = A_NAPOT << A_SHIFT;
const TOR: u8 = A_TOR << A_SHIFT;
const RAM: u64 = 0x8000_0000;

fn fence() {
    // SAFETY: orders PMP changes before later accesses (3.7.2).
    unsafe { asm!("sfence.vma") };
}

fn body() -> Checks {
    setup();
    let a = &raw mut PAGES as u64;
    let b = a + 4096;
    // SAFETY: plant `addi a0, x0, 42; ret` at b + 64 (page b becomes locked RX).
    unsafe {
        ((b + 64) as *mut u32).write_volatile(0x02a0_0513);
        ((b + 68) as *mut u32).write_volatile(0x0000_8067);
        asm!("fence.i");
    }
    // Entries: 0 NAPOT on a[0..8], locked R; 1 pmpaddr = b (bottom of 2);
    // 2 TOR [b, b + 4096) locked R X; 7 NAPOT first 64 MiB of RAM RWX (unlocked).
    csrw!("pmpaddr0", a >> 2);
    csrw!("pmpaddr1", b >> 2);
    csrw!("pmpaddr2", (b + 4096) >> 2);
    csrw!("pmpaddr7", (RAM >> 2) | ((64 << 20 >> 3) - 1));
    let cfg0 = (L | NAPOT | R) as u64 | ((L | TOR | R | X) as u64) << 16 | ((NAPOT | R | W | X) as u64) << 56;
    csrw!("pmpcfg0", cfg0);
    fence();
    check_eq!(1, csrr!("pmpcfg0"), cfg0);

    // 10..: locked entries bind M.
    check!(10, run_in(Priv::M, l_load, a).is_ok(), "M load, locked R");
    expect_trap(11, run_in(Priv::M, l_store, a), exc::STORE_ACCESS_FAULT, Some(a))?;
    expect_trap(12, run_in(Priv::M, l_jump, a), exc::INSTRUCTION_ACCESS_FAULT, Some(a))?;
    expect_ok(13, run_in(Priv::M, l_jump, b + 64), 42)?;
    expect_trap(14, run_in(Priv::M, l_store, b + 8), exc::STORE_ACCESS_FAULT, Some(b + 8))?;
    check!(15, run_in(Priv::M, l_store, a + 8).is_ok(), "M store next to the locked doubleword (entry 7 unlocked)");
    check!(16, run_in(Priv::M, l_load, RAM + (100 << 20)).is_ok(), "M load with no matching entry");
    // 20..: and U the same way.
    check!(20, run_in(Priv::U, l_load, a).is_ok(), "U load, locked R");
    expect_trap(21, run_in(Priv::U, l_store, a), exc::STORE_ACCESS_FAULT, Some(a))?;
    expect_ok(22, run_in(Priv::U, l_jump, b + 64), 42)?;
    expect_trap(23, run_in(Priv::U, l_load, RAM + (100 << 20)), exc::LOAD_ACCESS_FAULT, Some(RAM + (100 << 20)))?;

    // 30..: locked cfg bytes and addresses ignore writes; unlocked ones do not.
    csrw!("pmpcfg0", 0);
    fence();
    let keep = (L | NAPOT | R) as u64 | ((L | TOR | R | X) as u64) << 16;
    check_eq!(30, csrr!("pmpcfg0"), keep);
    csrw!("pmpaddr0", 0x1234);
    check_eq!(31, csrr!("pmpaddr0"), a >> 2);
    csrw!("pmpaddr2", 0x1234);
    check_eq!(32, csrr!("pmpaddr2"), (b + 4096) >> 2);
    csrw!("pmpaddr1", 0x1234); // bottom of locked TOR entry 2
    check_eq!(33, csrr!("pmpaddr1"), b >> 2);
    csrw!("pmpaddr3", 0x1234);
    check_eq!(34, csrr!("pmpaddr3"), 0x1234);
    csrw!("pmpcfg0", keep | ((NAPOT | R | W | X) as u64) << 56 | (R as u64) << 8);
    fence();
    check_eq!(35, csrr!("pmpcfg0"), keep | ((NAPOT | R | W | X) as u64) << 56 | (R as u64) << 8);
    // Entry 1 (cfg R, A = OFF) changes nothing; the locked entries still bind M.
    expect_trap(36, run_in(Priv::M, l_store, a), exc::STORE_ACCESS_FAULT, Some(a))?;
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
