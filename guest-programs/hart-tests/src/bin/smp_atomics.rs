//! Two harts on one memory (run with `sv39 --harts 2` / QEMU `-smp 2`):
//! AMOs and LR/SC loops from both harts lose no update (unprivileged spec 8.2,
//! 8.4: AMOs are atomic; an SC fails if another hart may have written the
//! reservation set), each hart reads its own mhartid, and a CLINT msip write
//! raises MSIP in the other hart's mip (privileged spec 3.1.9; ACLINT).
#![no_std]
#![no_main]

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};
use sv39_arch::csr::mip;
use sv39_arch::memmap::{CLINT_BASE, CLINT_MSIP};

const HARTS: u64 = 2;
const ROUNDS: u64 = 20_000;

static AMO_COUNT: AtomicU64 = AtomicU64::new(0);
static LRSC_COUNT: AtomicU64 = AtomicU64::new(0);
static SEEN_HARTIDS: AtomicU64 = AtomicU64::new(0);
static DONE: AtomicU64 = AtomicU64::new(0);
static IPI_SEEN: AtomicU64 = AtomicU64::new(0);

/// Adds 1 with an LR/SC loop, as `atomic_add` without AMOs would.
fn lrsc_increment(p: &AtomicU64) {
    // SAFETY: p is a valid, aligned u64; the loop retries until the SC succeeds.
    unsafe {
        asm!(
            "1: lr.d {v}, ({p})",
            "addi {v}, {v}, 1",
            "sc.d {f}, {v}, ({p})",
            "bnez {f}, 1b",
            p = in(reg) p.as_ptr(),
            v = out(reg) _,
            f = out(reg) _,
        );
    }
}

fn mhartid() -> u64 {
    let id: u64;
    // SAFETY: reading mhartid has no side effect.
    unsafe { asm!("csrr {}, mhartid", out(reg) id) };
    id
}

extern "C" fn work(hartid: u64) {
    SEEN_HARTIDS.fetch_or(1 << mhartid(), Ordering::AcqRel);
    for _ in 0..ROUNDS {
        AMO_COUNT.fetch_add(1, Ordering::Relaxed);
        lrsc_increment(&LRSC_COUNT);
    }
    if hartid != 0 {
        wait_for_ipi();
    }
    DONE.fetch_add(1, Ordering::AcqRel);
}

/// Spins until this hart's mip.MSIP is set, then clears its msip word.
fn wait_for_ipi() {
    loop {
        let pending: u64;
        // SAFETY: reading mip has no side effect.
        unsafe { asm!("csrr {}, mip", out(reg) pending) };
        if pending & mip::MSIP != 0 {
            break;
        }
    }
    // SAFETY: msip of this hart is a 32-bit CLINT register.
    unsafe { core::ptr::write_volatile((CLINT_BASE + CLINT_MSIP + 4 * mhartid()) as *mut u32, 0) };
    IPI_SEEN.fetch_add(1, Ordering::AcqRel);
}

#[no_mangle]
extern "C" fn main() -> u32 {
    bare::start_secondary_harts(work);
    work(0);
    for h in 1..HARTS {
        // SAFETY: msip of hart h is a 32-bit CLINT register.
        unsafe { core::ptr::write_volatile((CLINT_BASE + CLINT_MSIP + 4 * h) as *mut u32, 1) };
    }
    while DONE.load(Ordering::Acquire) < HARTS {}
    if SEEN_HARTIDS.load(Ordering::Acquire) != (1 << HARTS) - 1 {
        return 1;
    }
    if AMO_COUNT.load(Ordering::Acquire) != HARTS * ROUNDS {
        return 2;
    }
    if LRSC_COUNT.load(Ordering::Acquire) != HARTS * ROUNDS {
        return 3;
    }
    if IPI_SEEN.load(Ordering::Acquire) != HARTS - 1 {
        return 4;
    }
    0
}
