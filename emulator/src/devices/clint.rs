//! CLINT at `CLINT_BASE`: machine software interrupts (`msip`) and the machine
//! timer (`mtime`, `mtimecmp`), laid out as QEMU 7.2's `virt` board builds it
//! from two ACLINT devices (`hw/intc/riscv_aclint.c`):
//!
//! ```text
//!   0x0000 + 4*hart   msip      MSWI   32-bit accesses only; bit 0 only
//!   0x4000 + 8*hart   mtimecmp  MTIMER 32- or 64-bit accesses; halves at +0/+4
//!   0xbff8            mtime     MTIMER 32- or 64-bit accesses; halves at +0/+4
//!   0xc000..0x10000   not decoded (QEMU raises an access fault)
//! ```
//!
//! Registers of harts that do not exist and the rest of each device read as
//! zero and ignore writes, as in QEMU. `mtimecmp` resets to 0, so `mtip` is set
//! from reset until the guest programs the timer, as in QEMU. The machine owns
//! the clock: it tells the CLINT the ticks elapsed since reset with
//! `set_time`, and a guest write to `mtime` moves an offset over that count.

use super::Mmio;
use sv39_arch::memmap::{CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP};

/// End of the MTIMER device, the last decoded offset plus one.
const MTIMER_END: u64 = CLINT_MTIMECMP + 0x8000;

pub struct Clint {
    msip: Vec<bool>,
    mtimecmp: Vec<u64>,
    /// Timebase ticks since reset, from the machine.
    ticks: u64,
    /// `mtime - ticks`, set by guest writes to `mtime` (wrapping).
    mtime_offset: u64,
}

/// A decoded CLINT register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reg {
    Msip(usize),
    Mtimecmp(usize, Part),
    Mtime(Part),
    /// Inside a device but no register: reads 0, writes ignored.
    Reserved,
}

/// Which bits of a 64-bit register an access reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    All,
    Low,
    High,
}

impl Part {
    /// The part a naturally aligned access of `size` (4 or 8) at `offset` reaches.
    fn of(offset: u64, size: u8) -> Part {
        match (size, offset % 8) {
            (8, _) => Part::All,
            (_, 0) => Part::Low,
            _ => Part::High,
        }
    }

    fn read(self, reg: u64) -> u64 {
        match self {
            Part::All => reg,
            Part::Low => reg & 0xffff_ffff,
            Part::High => reg >> 32,
        }
    }

    fn write(self, reg: u64, value: u64) -> u64 {
        match self {
            Part::All => value,
            Part::Low => (reg & !0xffff_ffff) | (value & 0xffff_ffff),
            Part::High => (value << 32) | (reg & 0xffff_ffff),
        }
    }
}

impl Clint {
    /// A CLINT for `harts` harts at reset: msip clear, mtimecmp 0, mtime 0.
    pub fn new(harts: usize) -> Clint {
        Clint { msip: vec![false; harts], mtimecmp: vec![0; harts], ticks: 0, mtime_offset: 0 }
    }

    /// The machine's clock: `ticks` timebase ticks have elapsed since reset.
    pub fn set_time(&mut self, ticks: u64) {
        self.ticks = ticks;
    }

    /// The `mtime` register.
    pub fn mtime(&self) -> u64 {
        self.ticks.wrapping_add(self.mtime_offset)
    }

    /// `mtimecmp` of `hart`; `u64::MAX` (never) for a hart that does not exist.
    pub fn mtimecmp(&self, hart: usize) -> u64 {
        self.mtimecmp.get(hart).copied().unwrap_or(u64::MAX)
    }

    /// The machine software interrupt of `hart` (`mip.MSIP`).
    pub fn msip(&self, hart: usize) -> bool {
        self.msip.get(hart).copied().unwrap_or(false)
    }

    /// The machine timer interrupt of `hart` (`mip.MTIP`): mtime >= mtimecmp.
    pub fn mtip(&self, hart: usize) -> bool {
        self.mtimecmp.get(hart).is_some_and(|&cmp| self.mtime() >= cmp)
    }

    fn set_mtime(&mut self, value: u64) {
        self.mtime_offset = value.wrapping_sub(self.ticks);
    }

    /// Decodes an access; None for a size or offset QEMU rejects.
    fn decode(&self, offset: u64, size: u8) -> Option<Reg> {
        if !offset.is_multiple_of(u64::from(size.max(1))) {
            return None;
        }
        if offset < CLINT_MTIMECMP {
            return (size == 4).then(|| self.hart_reg(offset - CLINT_MSIP, 4).map_or(Reg::Reserved, Reg::Msip));
        }
        if offset >= MTIMER_END || !matches!(size, 4 | 8) {
            return None;
        }
        let part = Part::of(offset, size);
        let reg = match self.hart_reg(offset - CLINT_MTIMECMP, 8) {
            Some(hart) => Reg::Mtimecmp(hart, part),
            None if offset & !7 == CLINT_MTIME => Reg::Mtime(part),
            None => Reg::Reserved,
        };
        Some(reg)
    }

    /// The hart whose register of `stride` bytes lies at `rel`, if it exists.
    fn hart_reg(&self, rel: u64, stride: u64) -> Option<usize> {
        let hart = usize::try_from(rel / stride).ok()?;
        (hart < self.msip.len()).then_some(hart)
    }
}

impl Mmio for Clint {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        let value = match self.decode(offset, size)? {
            Reg::Msip(hart) => u64::from(self.msip[hart]),
            Reg::Mtimecmp(hart, part) => part.read(self.mtimecmp[hart]),
            Reg::Mtime(part) => part.read(self.mtime()),
            Reg::Reserved => 0,
        };
        Some(value)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()> {
        match self.decode(offset, size)? {
            Reg::Msip(hart) => self.msip[hart] = value & 1 != 0,
            Reg::Mtimecmp(hart, part) => self.mtimecmp[hart] = part.write(self.mtimecmp[hart], value),
            Reg::Mtime(part) => self.set_mtime(part.write(self.mtime(), value)),
            Reg::Reserved => {}
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_state_matches_qemu() {
        let mut c = Clint::new(2);
        assert_eq!(c.read(CLINT_MTIMECMP, 8), Some(0));
        assert_eq!(c.read(CLINT_MTIME, 8), Some(0));
        assert!(c.mtip(0) && c.mtip(1), "mtimecmp 0 <= mtime 0 at reset");
        assert!(!c.msip(0));
    }

    #[test]
    fn msip_keeps_bit_0_only() {
        let mut c = Clint::new(2);
        c.write(4, 4, 0xffff_ffff).unwrap();
        assert!(c.msip(1) && !c.msip(0));
        assert_eq!(c.read(4, 4), Some(1));
        c.write(4, 4, 2).unwrap();
        assert!(!c.msip(1));
        assert_eq!(c.read(4, 4), Some(0));
    }

    #[test]
    fn msip_takes_32_bit_accesses_only() {
        let mut c = Clint::new(1);
        for size in [1, 2, 8] {
            assert_eq!(c.read(0, size), None);
            assert_eq!(c.write(0, size, 1), None);
        }
        assert!(!c.msip(0));
    }

    #[test]
    fn absent_harts_read_zero_and_ignore_writes() {
        let mut c = Clint::new(1);
        c.write(4, 4, 1).unwrap();
        assert_eq!(c.read(4, 4), Some(0));
        c.write(CLINT_MTIMECMP + 8, 4, 5).unwrap();
        assert_eq!(c.read(CLINT_MTIMECMP + 8, 4), Some(0));
        assert_eq!(c.read(0x3ffc, 4), Some(0));
        assert_eq!(c.read(CLINT_MTIME - 8, 8), Some(0));
        assert!(!c.msip(1) && !c.mtip(1));
        assert_eq!(c.mtimecmp(1), u64::MAX);
    }

    #[test]
    fn mtimecmp_halves() {
        let mut c = Clint::new(1);
        c.write(CLINT_MTIMECMP, 8, 0x7fff_ffff_ffff_ffff).unwrap();
        assert_eq!(c.read(CLINT_MTIMECMP, 4), Some(0xffff_ffff));
        assert_eq!(c.read(CLINT_MTIMECMP + 4, 4), Some(0x7fff_ffff));
        c.write(CLINT_MTIMECMP + 4, 4, 0x1234_5678).unwrap();
        assert_eq!(c.mtimecmp(0), 0x1234_5678_ffff_ffff);
        c.write(CLINT_MTIMECMP, 4, 0xffff_ffff_9abc_def0).unwrap();
        assert_eq!(c.read(CLINT_MTIMECMP, 8), Some(0x1234_5678_9abc_def0));
        for size in [1, 2] {
            assert_eq!(c.read(CLINT_MTIMECMP, size), None);
        }
        assert_eq!(c.write(CLINT_MTIMECMP + 4, 8, 1), None);
    }

    #[test]
    fn timer_compares_mtime_with_mtimecmp() {
        let mut c = Clint::new(1);
        c.write(CLINT_MTIMECMP, 8, 100).unwrap();
        c.set_time(99);
        assert!(!c.mtip(0));
        c.set_time(100);
        assert!(c.mtip(0));
        c.write(CLINT_MTIMECMP, 8, u64::MAX).unwrap();
        assert!(!c.mtip(0));
    }

    #[test]
    fn mtime_writes_move_an_offset_over_the_clock() {
        let mut c = Clint::new(1);
        c.set_time(1000);
        c.write(CLINT_MTIME, 8, 0x1_0000_0000).unwrap();
        assert_eq!(c.mtime(), 0x1_0000_0000);
        c.set_time(1003);
        assert_eq!(c.read(CLINT_MTIME, 8), Some(0x1_0000_0003));
        c.write(CLINT_MTIME, 4, 5).unwrap();
        assert_eq!(c.mtime(), 0x1_0000_0005);
        c.write(CLINT_MTIME + 4, 4, 7).unwrap();
        assert_eq!(c.mtime(), 0x7_0000_0005);
        assert_eq!(c.read(CLINT_MTIME + 4, 4), Some(7));
        assert_eq!(c.read(CLINT_MTIME, 4), Some(5));
        c.set_time(1004);
        assert_eq!(c.mtime(), 0x7_0000_0006);
        // A write below the clock wraps the offset; mtime still counts on.
        c.write(CLINT_MTIME, 8, 0).unwrap();
        c.set_time(1010);
        assert_eq!(c.mtime(), 6);
        assert_eq!(c.read(CLINT_MTIME, 2), None);
    }

    #[test]
    fn offsets_past_the_mtimer_are_not_decoded() {
        let mut c = Clint::new(1);
        assert_eq!(c.read(0xc000, 4), None);
        assert_eq!(c.read(0xfffc, 4), None);
        assert_eq!(c.write(0xc000, 8, 0), None);
        assert_eq!(c.read(u64::MAX - 3, 4), None);
    }

    #[test]
    fn any_guest_access_is_safe() {
        let mut c = Clint::new(3);
        for offset in (0..0x10010).step_by(4).chain([1, 2, 3, 0xbffb]) {
            for size in [0, 1, 2, 3, 4, 8] {
                let _ = c.write(offset, size, u64::MAX);
                let _ = c.read(offset, size);
            }
        }
    }
}
