//! PLIC at `PLIC_BASE`, as QEMU 7.2's `virt` board configures
//! `hw/intc/sifive_plic.c`: 96 sources (ids 1-95; 0 means "none"), 3 priority
//! bits, and two contexts per hart: context 2h is hart h's M-mode external
//! interrupt (`mip.MEIP`), context 2h+1 its S-mode one (`mip.SEIP`).
//!
//! ```text
//!   0x000000 + 4*src         priority     WARL: value mod 8; source 0 reads 0
//!   0x001000 + 4*word        pending      read-only, 32 sources a word
//!   0x002000 + 0x80*ctx      enables      3 words a context
//!   0x200000 + 0x1000*ctx    threshold    WARL: value mod 8
//!   0x200004 + 0x1000*ctx    claim/complete
//! ```
//!
//! Only aligned 32-bit accesses are decoded (QEMU faults the rest); anything
//! else inside the 0x60_0000-byte region reads 0 and ignores writes.
//!
//! Behaviour copied from QEMU 7.2 and checked against it:
//! - a source's pending bit follows each drive of its line ([`Plic::set_level`]):
//!   high sets it, low clears it. There is no gateway memory: completing a
//!   source whose line is still high does not pend it again until the device
//!   drives the line again.
//! - claim returns the pending, enabled, unclaimed source of highest priority
//!   above the context's threshold, lowest id on ties, clears its pending bit
//!   and marks it claimed for every context; 0 if there is none.
//! - complete of any id below 96 clears its claimed mark, from any context,
//!   whether or not the context enables it.
//! - a context's interrupt line is the claim condition: a claimed source does
//!   not hold it up, even while pending again.

use super::Mmio;
use sv39_arch::memmap::PLIC_SIZE;

/// Interrupt sources, counting the unused source 0 (QEMU 7.2
/// `VIRT_IRQCHIP_NUM_SOURCES`). The device tree's `riscv,ndev` says 96 as
/// QEMU's does, though QEMU's last source is 95.
pub const NUM_SOURCES: usize = 96;
/// 32-bit words of one bit per source.
const WORDS: usize = NUM_SOURCES / 32;
/// Priorities and thresholds keep their low 3 bits (`VIRT_IRQCHIP_NUM_PRIO_BITS`).
const PRIORITY_MASK: u32 = 0x7;

const PRIORITY_BASE: u64 = 0x0;
const PENDING_BASE: u64 = 0x1000;
const ENABLE_BASE: u64 = 0x2000;
const ENABLE_STRIDE: u64 = 0x80;
const CONTEXT_BASE: u64 = 0x20_0000;
const CONTEXT_STRIDE: u64 = 0x1000;
const CONTEXT_THRESHOLD: u64 = 0x0;
const CONTEXT_CLAIM: u64 = 0x4;

/// One bit per source.
type Bits = [u32; WORDS];

pub struct Plic {
    priority: [u32; NUM_SOURCES],
    pending: Bits,
    claimed: Bits,
    /// Per context.
    enable: Vec<Bits>,
    /// Per context.
    threshold: Vec<u32>,
}

/// A decoded PLIC register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reg {
    Priority(usize),
    Pending(usize),
    Enable {
        context: usize,
        word: usize,
    },
    Threshold(usize),
    Claim(usize),
    /// No register: reads 0, writes ignored.
    Reserved,
}

fn bit(bits: &Bits, source: usize) -> bool {
    bits.get(source / 32).is_some_and(|w| w & (1 << (source % 32)) != 0)
}

fn set_bit(bits: &mut Bits, source: usize, on: bool) {
    if let Some(w) = bits.get_mut(source / 32) {
        let mask = 1 << (source % 32);
        *w = if on { *w | mask } else { *w & !mask };
    }
}

/// `(offset - base) / stride` if `offset` lies in `count` blocks of `stride`
/// bytes from `base`.
fn index(offset: u64, base: u64, stride: u64, count: usize) -> Option<usize> {
    let i = usize::try_from(offset.checked_sub(base)? / stride).ok()?;
    (i < count).then_some(i)
}

impl Plic {
    /// A PLIC for `harts` harts (two contexts each) at reset: everything 0.
    pub fn new(harts: usize) -> Plic {
        let contexts = 2 * harts;
        Plic {
            priority: [0; NUM_SOURCES],
            pending: [0; WORDS],
            claimed: [0; WORDS],
            enable: vec![[0; WORDS]; contexts],
            threshold: vec![0; contexts],
        }
    }

    /// A device drives its interrupt line `source` (QEMU's `qemu_set_irq`):
    /// high sets the pending bit, even if the line was already high; low
    /// clears it. Call it when the device drives its line (for the UART,
    /// whenever `Uart::take_irq_update` has a level), not by polling: a poll
    /// that finds a line high re-pends a source the guest has already handled.
    /// Sources outside 1-95 are ignored.
    pub fn set_level(&mut self, source: u32, level: bool) {
        let Ok(source) = usize::try_from(source) else { return };
        if (1..NUM_SOURCES).contains(&source) {
            set_bit(&mut self.pending, source, level);
        }
    }

    /// The external interrupt line of `context` (2h: hart h's MEIP, 2h+1: its
    /// SEIP): a source is pending, enabled, unclaimed and above the threshold.
    pub fn eip(&self, context: usize) -> bool {
        self.best(context).is_some()
    }

    /// The source a claim by `context` would return.
    fn best(&self, context: usize) -> Option<usize> {
        // Nothing pending is the common case, checked per instruction while stepping.
        if self.pending == [0; WORDS] {
            return None;
        }
        let enable = self.enable.get(context)?;
        let mut max_priority = *self.threshold.get(context)?;
        let mut best = None;
        for source in 1..NUM_SOURCES {
            let candidate = bit(&self.pending, source) && bit(enable, source) && !bit(&self.claimed, source);
            if candidate && self.priority[source] > max_priority {
                max_priority = self.priority[source];
                best = Some(source);
            }
        }
        best
    }

    fn claim(&mut self, context: usize) -> u32 {
        let Some(source) = self.best(context) else { return 0 };
        set_bit(&mut self.pending, source, false);
        set_bit(&mut self.claimed, source, true);
        source as u32
    }

    fn complete(&mut self, source: u64) {
        if let Ok(source) = usize::try_from(source) {
            set_bit(&mut self.claimed, source, false);
        }
    }

    /// Decodes an access; None for what QEMU rejects: not an aligned 32-bit
    /// access inside the region.
    fn decode(&self, offset: u64, size: u8) -> Option<Reg> {
        if size != 4 || !offset.is_multiple_of(4) || offset >= PLIC_SIZE {
            return None;
        }
        let contexts = self.threshold.len();
        let reg = if let Some(source) = index(offset, PRIORITY_BASE, 4, NUM_SOURCES) {
            if source == 0 {
                Reg::Reserved
            } else {
                Reg::Priority(source)
            }
        } else if let Some(word) = index(offset, PENDING_BASE, 4, WORDS) {
            Reg::Pending(word)
        } else if let Some(context) = index(offset, ENABLE_BASE, ENABLE_STRIDE, contexts) {
            let word = (offset - ENABLE_BASE) % ENABLE_STRIDE / 4;
            match usize::try_from(word) {
                Ok(word) if word < WORDS => Reg::Enable { context, word },
                _ => Reg::Reserved,
            }
        } else if let Some(context) = index(offset, CONTEXT_BASE, CONTEXT_STRIDE, contexts) {
            match (offset - CONTEXT_BASE) % CONTEXT_STRIDE {
                CONTEXT_THRESHOLD => Reg::Threshold(context),
                CONTEXT_CLAIM => Reg::Claim(context),
                _ => Reg::Reserved,
            }
        } else {
            Reg::Reserved
        };
        Some(reg)
    }
}

impl Mmio for Plic {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        let value = match self.decode(offset, size)? {
            Reg::Priority(source) => self.priority[source],
            Reg::Pending(word) => self.pending[word],
            Reg::Enable { context, word } => self.enable[context][word],
            Reg::Threshold(context) => self.threshold[context],
            Reg::Claim(context) => self.claim(context),
            Reg::Reserved => 0,
        };
        Some(u64::from(value))
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()> {
        let value32 = value as u32; // a 32-bit access: the low word
        match self.decode(offset, size)? {
            Reg::Priority(source) => self.priority[source] = value32 & PRIORITY_MASK,
            Reg::Enable { context, word } => self.enable[context][word] = value32,
            Reg::Threshold(context) => self.threshold[context] = value32 & PRIORITY_MASK,
            Reg::Claim(_) => self.complete(u64::from(value32)),
            Reg::Pending(_) | Reg::Reserved => {}
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UART: u32 = 10;

    fn rd(p: &mut Plic, offset: u64) -> u64 {
        p.read(offset, 4).unwrap()
    }

    fn wr(p: &mut Plic, offset: u64, value: u64) {
        p.write(offset, 4, value).unwrap();
    }

    fn claim_reg(context: u64) -> u64 {
        CONTEXT_BASE + CONTEXT_STRIDE * context + CONTEXT_CLAIM
    }

    fn threshold_reg(context: u64) -> u64 {
        CONTEXT_BASE + CONTEXT_STRIDE * context
    }

    /// Sources `ids` at `priority`, all enabled for context 0.
    fn plic_with(ids: &[u32], priority: u64) -> Plic {
        let mut p = Plic::new(1);
        for &id in ids {
            wr(&mut p, 4 * u64::from(id), priority);
            let word = ENABLE_BASE + 4 * u64::from(id / 32);
            let old = rd(&mut p, word);
            wr(&mut p, word, old | 1 << (id % 32));
        }
        p
    }

    #[test]
    fn priority_is_warl_mod_8_and_source_0_is_fixed() {
        let mut p = Plic::new(1);
        for (written, read) in [(7, 7), (8, 0), (0xf, 7), (0xffff_ffff, 7)] {
            wr(&mut p, 4, written);
            assert_eq!(rd(&mut p, 4), read);
        }
        wr(&mut p, 0, 3);
        assert_eq!(rd(&mut p, 0), 0);
        wr(&mut p, 95 * 4, 5);
        assert_eq!(rd(&mut p, 95 * 4), 5);
        wr(&mut p, 96 * 4, 5);
        assert_eq!(rd(&mut p, 96 * 4), 0);
    }

    #[test]
    fn threshold_is_warl_mod_8() {
        let mut p = Plic::new(1);
        wr(&mut p, threshold_reg(0), 9);
        assert_eq!(rd(&mut p, threshold_reg(0)), 1);
        wr(&mut p, threshold_reg(1), 5);
        assert_eq!(rd(&mut p, threshold_reg(1)), 5);
        // Context 2 would be hart 1's.
        wr(&mut p, threshold_reg(2), 5);
        assert_eq!(rd(&mut p, threshold_reg(2)), 0);
    }

    #[test]
    fn enables_are_three_words_per_context() {
        let mut p = Plic::new(1);
        for word in [ENABLE_BASE, ENABLE_BASE + 8, ENABLE_BASE + ENABLE_STRIDE] {
            wr(&mut p, word, 0xffff_ffff);
            assert_eq!(rd(&mut p, word), 0xffff_ffff);
        }
        for absent in [ENABLE_BASE + 12, ENABLE_BASE + 2 * ENABLE_STRIDE] {
            wr(&mut p, absent, 0xffff_ffff);
            assert_eq!(rd(&mut p, absent), 0);
        }
    }

    #[test]
    fn pending_follows_each_drive_of_the_line() {
        let mut p = Plic::new(1);
        p.set_level(UART, true);
        assert_eq!(rd(&mut p, PENDING_BASE), 1 << UART);
        wr(&mut p, PENDING_BASE, 0); // read-only
        assert_eq!(rd(&mut p, PENDING_BASE), 1 << UART);
        p.set_level(UART, false);
        assert_eq!(rd(&mut p, PENDING_BASE), 0);
        p.set_level(95, true);
        assert_eq!(rd(&mut p, PENDING_BASE + 8), 1 << 31);
        for ignored in [0, 96, u32::MAX] {
            p.set_level(ignored, true);
        }
        assert_eq!(rd(&mut p, PENDING_BASE), 0);
    }

    #[test]
    fn claim_takes_highest_priority_then_lowest_id() {
        let mut p = plic_with(&[3, 5, 7], 2);
        wr(&mut p, 5 * 4, 6);
        for id in [3, 5, 7] {
            p.set_level(id, true);
        }
        assert_eq!(rd(&mut p, claim_reg(0)), 5);
        assert_eq!(rd(&mut p, claim_reg(0)), 3);
        assert_eq!(rd(&mut p, claim_reg(0)), 7);
        assert_eq!(rd(&mut p, claim_reg(0)), 0);
        assert_eq!(rd(&mut p, PENDING_BASE), 0);
    }

    #[test]
    fn threshold_masks_priorities_at_or_below_it() {
        let mut p = plic_with(&[UART], 1);
        p.set_level(UART, true);
        assert!(p.eip(0));
        wr(&mut p, threshold_reg(0), 1);
        assert!(!p.eip(0));
        assert_eq!(rd(&mut p, claim_reg(0)), 0);
        wr(&mut p, 4 * u64::from(UART), 2);
        assert!(p.eip(0));
        assert_eq!(rd(&mut p, claim_reg(0)), u64::from(UART));
    }

    #[test]
    fn priority_0_never_interrupts() {
        let mut p = plic_with(&[UART], 0);
        p.set_level(UART, true);
        assert!(!p.eip(0));
        assert_eq!(rd(&mut p, claim_reg(0)), 0);
        assert_eq!(rd(&mut p, PENDING_BASE), 1 << UART);
    }

    #[test]
    fn claimed_source_stays_quiet_until_completed() {
        let mut p = plic_with(&[UART], 1);
        p.set_level(UART, true);
        assert_eq!(rd(&mut p, claim_reg(0)), u64::from(UART));
        assert!(!p.eip(0));
        // Driven high again while claimed: pending, but held back.
        p.set_level(UART, true);
        assert_eq!(rd(&mut p, PENDING_BASE), 1 << UART);
        assert!(!p.eip(0));
        assert_eq!(rd(&mut p, claim_reg(0)), 0);
        wr(&mut p, claim_reg(0), u64::from(UART));
        assert!(p.eip(0));
    }

    #[test]
    fn complete_does_not_repend_a_line_still_high() {
        let mut p = plic_with(&[UART], 1);
        p.set_level(UART, true);
        assert_eq!(rd(&mut p, claim_reg(0)), u64::from(UART));
        wr(&mut p, claim_reg(0), u64::from(UART));
        assert!(!p.eip(0));
        assert_eq!(rd(&mut p, claim_reg(0)), 0);
        // Until the device drives its line again.
        p.set_level(UART, true);
        assert!(p.eip(0));
    }

    #[test]
    fn complete_from_any_context_and_bad_ids_are_harmless() {
        let mut p = plic_with(&[UART], 1);
        p.set_level(UART, true);
        assert_eq!(rd(&mut p, claim_reg(0)), u64::from(UART));
        p.set_level(UART, true);
        for bad in [0, 96, 200, u64::MAX] {
            wr(&mut p, claim_reg(0), bad);
        }
        assert!(!p.eip(0));
        // Context 1 does not enable the source, but its complete counts.
        wr(&mut p, claim_reg(1), u64::from(UART));
        assert!(p.eip(0));
    }

    #[test]
    fn contexts_split_m_and_s_per_hart() {
        let mut p = Plic::new(2);
        wr(&mut p, 4 * u64::from(UART), 1);
        wr(&mut p, ENABLE_BASE + 3 * ENABLE_STRIDE, 1 << UART); // hart 1, S-mode
        p.set_level(UART, true);
        assert_eq!([0, 1, 2, 3].map(|c| p.eip(c)), [false, false, false, true]);
        assert!(!p.eip(4));
        assert_eq!(rd(&mut p, claim_reg(3)), u64::from(UART));
        assert!(!p.eip(3));
    }

    #[test]
    fn only_aligned_32_bit_accesses_decode() {
        let mut p = Plic::new(1);
        for size in [1, 2, 8] {
            assert_eq!(p.read(4, size), None);
            assert_eq!(p.write(4, size, 1), None);
        }
        assert_eq!(p.read(2, 4), None);
        assert_eq!(p.read(PLIC_SIZE, 4), None);
        assert_eq!(p.read(PLIC_SIZE - 4, 4), Some(0));
        assert_eq!(p.read(0x1f_fffc, 4), Some(0));
        assert_eq!(p.read(threshold_reg(0) + 8, 4), Some(0));
    }

    #[test]
    fn any_guest_access_is_safe() {
        let mut p = Plic::new(2);
        let offsets = (0..0x3000).step_by(4).chain((CONTEXT_BASE..CONTEXT_BASE + 0x5000).step_by(4));
        for offset in offsets.chain([PLIC_SIZE - 4, u64::MAX - 3, 1]) {
            for size in [0, 1, 2, 4, 8] {
                for value in [0, 1, 10, 0xffff_ffff, u64::MAX] {
                    let _ = p.write(offset, size, value);
                    let _ = p.read(offset, size);
                }
            }
        }
        for context in 0..8 {
            let _ = p.eip(context);
        }
    }
}
