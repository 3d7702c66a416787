//! The mask ROM at `MROM_BASE` (QEMU's `riscv_virt_board.mrom`): the reset
//! vector every hart runs first when the board boots a firmware, and the
//! OpenSBI fw_dynamic information it hands over (see `board::rom`).
//!
//! As QEMU's ROM regions: any aligned read of 1-8 bytes, writes ignored.

use super::Mmio;

pub struct Mrom {
    bytes: Vec<u8>,
}

impl Mrom {
    /// A ROM of `size` bytes, zero until `flash` fills it.
    pub fn new(size: u64) -> Mrom {
        Mrom { bytes: vec![0; size as usize] }
    }

    /// Replaces the contents from offset 0 with `data` (the rest is zero).
    pub fn flash(&mut self, data: &[u8]) -> Result<(), String> {
        if data.len() > self.bytes.len() {
            return Err(format!("{} bytes do not fit the {}-byte MROM", data.len(), self.bytes.len()));
        }
        self.bytes.fill(0);
        self.bytes[..data.len()].copy_from_slice(data);
        Ok(())
    }
}

impl Mmio for Mrom {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        let at = usize::try_from(offset).ok()?;
        let word = self.bytes.get(at..at + usize::from(size))?;
        Some(word.iter().rev().fold(0, |v, &b| v << 8 | u64::from(b)))
    }

    fn write(&mut self, offset: u64, _size: u8, _value: u64) -> Option<()> {
        (offset < self.bytes.len() as u64).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_and_ignores_writes() {
        let mut rom = Mrom::new(0x100);
        rom.flash(&[0x97, 0x02, 0x00, 0x00, 0x13]).unwrap();
        assert_eq!(rom.read(0, 4), Some(0x297));
        assert_eq!(rom.read(4, 1), Some(0x13));
        assert_eq!(rom.write(0, 4, 0xdead_beef), Some(()));
        assert_eq!(rom.read(0, 2), Some(0x297));
        assert_eq!(rom.read(0xfc, 8), None, "past the end");
        assert!(rom.flash(&[0; 0x101]).is_err());
    }
}
