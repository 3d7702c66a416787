//! The platform-level interrupt controller: priorities, the enable bits and
//! threshold of the boot hart's S-mode context, claim and complete.

use super::{read32, write32};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

const PRIORITY: u64 = 0x0;
const ENABLE: u64 = 0x2000;
const ENABLE_STRIDE: u64 = 0x80;
const CONTEXT: u64 = 0x20_0000;
const CONTEXT_STRIDE: u64 = 0x1000;
const CLAIM: u64 = 4;

static BASE: AtomicU64 = AtomicU64::new(0);
static CONTEXT_ID: AtomicUsize = AtomicUsize::new(0);

fn context_reg(offset: u64) -> u64 {
    BASE.load(Ordering::Relaxed) + CONTEXT + CONTEXT_ID.load(Ordering::Relaxed) as u64 * CONTEXT_STRIDE + offset
}

/// Uses the PLIC at kernel address `base` for context `context`, threshold 0.
pub fn init(base: u64, context: usize) {
    BASE.store(base, Ordering::Relaxed);
    CONTEXT_ID.store(context, Ordering::Relaxed);
    // SAFETY: `base` maps the PLIC (from the DTB); offset 0 is the threshold.
    unsafe { write32(context_reg(0), 0) };
}

/// Lets source `irq` interrupt this context, at priority 1.
pub fn enable(irq: u32) {
    let base = BASE.load(Ordering::Relaxed);
    let enable = base + ENABLE + CONTEXT_ID.load(Ordering::Relaxed) as u64 * ENABLE_STRIDE + (irq as u64 / 32) * 4;
    // SAFETY: both registers are inside the mapped PLIC.
    unsafe {
        write32(base + PRIORITY + irq as u64 * 4, 1);
        write32(enable, read32(enable) | 1 << (irq % 32));
    }
}

/// The highest pending source (0 when none), now in service.
pub fn claim() -> u32 {
    // SAFETY: the claim register of our context.
    unsafe { read32(context_reg(CLAIM)) }
}

/// Ends the service of `irq`.
pub fn complete(irq: u32) {
    // SAFETY: as in `claim`.
    unsafe { write32(context_reg(CLAIM), irq) }
}
