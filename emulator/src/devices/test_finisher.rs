//! SiFive test finisher at `TEST_BASE`: a guest ends the run by writing a
//! command to offset 0, as QEMU 7.2's `hw/misc/sifive_test.c`:
//!
//! - low 16 bits `FINISHER_PASS` (0x5555): pass;
//! - `FINISHER_FAIL` (0x3333): fail with exit code = bits 16-31;
//! - `FINISHER_RESET` (0x7777): reset the machine;
//! - any other value, or a write elsewhere in the page, is ignored.
//!
//! As in QEMU, only 16- and 32-bit aligned accesses are decoded, and reads
//! return 0. A 16-bit write at offset 0 is a command with code 0.

use super::Mmio;
use sv39_arch::memmap::{FINISHER_FAIL, FINISHER_PASS, FINISHER_RESET, TEST_SIZE};

/// How the guest asked the run to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    Pass,
    Fail(u16),
    Reset,
}

#[derive(Debug, Default)]
pub struct TestFinisher {
    finish: Option<Finish>,
}

impl TestFinisher {
    pub fn new() -> TestFinisher {
        TestFinisher::default()
    }

    /// The command the guest wrote, once; a later command replaces an
    /// untaken one, as QEMU's last shutdown request wins.
    pub fn take(&mut self) -> Option<Finish> {
        self.finish.take()
    }
}

/// The command in a written word, if it is one.
fn command(value: u32) -> Option<Finish> {
    let code = (value >> 16) as u16;
    match value & 0xffff {
        FINISHER_PASS => Some(Finish::Pass),
        FINISHER_FAIL => Some(Finish::Fail(code)),
        FINISHER_RESET => Some(Finish::Reset),
        _ => None,
    }
}

/// QEMU decodes 16- and 32-bit aligned accesses in the page.
fn valid(offset: u64, size: u8) -> bool {
    matches!(size, 2 | 4) && offset.is_multiple_of(u64::from(size)) && offset < TEST_SIZE
}

impl Mmio for TestFinisher {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        valid(offset, size).then_some(0)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()> {
        if !valid(offset, size) {
            return None;
        }
        let value = if size == 2 { value & 0xffff } else { value & 0xffff_ffff };
        if offset == 0 {
            if let Some(finish) = command(value as u32) {
                self.finish = Some(finish);
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(size: u8, value: u64) -> Option<Finish> {
        let mut t = TestFinisher::new();
        t.write(0, size, value).unwrap();
        t.take()
    }

    #[test]
    fn commands() {
        assert_eq!(written(4, 0x5555), Some(Finish::Pass));
        assert_eq!(written(4, 0xffff_5555), Some(Finish::Pass));
        assert_eq!(written(4, 0x0042_3333), Some(Finish::Fail(0x42)));
        assert_eq!(written(4, 0xffff_3333), Some(Finish::Fail(0xffff)));
        assert_eq!(written(4, 0x7777), Some(Finish::Reset));
        assert_eq!(written(4, 0x1234), None);
        assert_eq!(written(4, 0x1_0000_0000), None);
    }

    #[test]
    fn halfword_writes_carry_code_0() {
        assert_eq!(written(2, 0x5555), Some(Finish::Pass));
        assert_eq!(written(2, 0x0042_3333), Some(Finish::Fail(0)));
    }

    #[test]
    fn take_returns_a_command_once() {
        let mut t = TestFinisher::new();
        assert_eq!(t.take(), None);
        t.write(0, 4, 0x3333).unwrap();
        t.write(0, 4, 0x1234).unwrap();
        assert_eq!(t.take(), Some(Finish::Fail(0)));
        assert_eq!(t.take(), None);
    }

    #[test]
    fn writes_elsewhere_are_ignored() {
        let mut t = TestFinisher::new();
        t.write(4, 4, 0x5555).unwrap();
        t.write(2, 2, 0x5555).unwrap();
        assert_eq!(t.take(), None);
    }

    #[test]
    fn reads_are_zero_and_sizes_follow_qemu() {
        let mut t = TestFinisher::new();
        assert_eq!(t.read(0, 4), Some(0));
        assert_eq!(t.read(0, 2), Some(0));
        assert_eq!(t.read(TEST_SIZE - 4, 4), Some(0));
        for size in [0, 1, 3, 8] {
            assert_eq!(t.read(0, size), None);
            assert_eq!(t.write(0, size, 0x5555), None);
        }
        assert_eq!(t.read(TEST_SIZE, 4), None);
        assert_eq!(t.read(2, 4), None);
        assert_eq!(t.take(), None);
    }
}
