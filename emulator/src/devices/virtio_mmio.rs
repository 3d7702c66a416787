//! A virtio-mmio transport slot (virtio spec 1.1, 4.2.2) with no device behind
//! it, as QEMU 7.2's `hw/virtio/virtio-mmio.c` shows an empty slot with
//! `force-legacy=false`: MagicValue, Version 2 and VendorID read back so a
//! driver's probe accepts the transport, DeviceID reads 0 so no driver claims
//! it, every other register reads 0, and writes are ignored.
//!
//! Also as QEMU: the transport decodes 0x200 bytes of its 0x1000-byte slot
//! (offsets from 0x200 fault); aligned accesses of 1, 2 and 4 bytes read the
//! low bytes of the register at their offset (a byte at 0x001 reads 0, not
//! the magic's second byte); an 8-byte access is two 4-byte ones.

use super::Mmio;

const MAGIC_VALUE: u64 = 0x000;
const VERSION: u64 = 0x004;
const VENDOR_ID: u64 = 0x00c;
/// Bytes QEMU decodes of each slot.
const REGION_SIZE: u64 = 0x200;

/// "virt" in little-endian ASCII.
const MAGIC: u32 = 0x7472_6976;
/// The non-legacy virtio-mmio layout.
const VERSION_2: u32 = 2;
/// "QEMU" in little-endian ASCII, QEMU's vendor ID.
const VENDOR_QEMU: u32 = 0x554d_4551;

/// A virtio-mmio slot; for now every slot is empty.
#[derive(Debug)]
pub struct VirtioMmio {
    _empty: (),
}

impl VirtioMmio {
    /// A slot with no device behind it.
    pub fn empty() -> VirtioMmio {
        VirtioMmio { _empty: () }
    }

    /// The 32-bit register at `offset` of an empty slot.
    fn register(offset: u64) -> u32 {
        match offset {
            MAGIC_VALUE => MAGIC,
            VERSION => VERSION_2,
            VENDOR_ID => VENDOR_QEMU,
            _ => 0,
        }
    }
}

fn valid(offset: u64, size: u8) -> bool {
    matches!(size, 1 | 2 | 4 | 8) && offset.is_multiple_of(u64::from(size)) && offset < REGION_SIZE
}

impl Mmio for VirtioMmio {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if !valid(offset, size) {
            return None;
        }
        let low = u64::from(Self::register(offset));
        let value = match size {
            1 => low & 0xff,
            2 => low & 0xffff,
            4 => low,
            _ => low | u64::from(Self::register(offset + 4)) << 32,
        };
        Some(value)
    }

    fn write(&mut self, offset: u64, size: u8, _value: u64) -> Option<()> {
        valid(offset, size).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_as_empty_version_2_qemu_slot() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0x000, 4), Some(0x7472_6976));
        assert_eq!(v.read(0x004, 4), Some(2));
        assert_eq!(v.read(0x008, 4), Some(0));
        assert_eq!(v.read(0x00c, 4), Some(0x554d_4551));
        assert_eq!(v.read(0x010, 4), Some(0));
        assert_eq!(v.read(0x1fc, 4), Some(0));
    }

    #[test]
    fn narrow_and_wide_reads_as_qemu() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0, 1), Some(0x76));
        assert_eq!(v.read(1, 1), Some(0));
        assert_eq!(v.read(0, 2), Some(0x6976));
        assert_eq!(v.read(2, 2), Some(0));
        assert_eq!(v.read(0, 8), Some(0x2_7472_6976));
        assert_eq!(v.read(8, 8), Some(0x554d_4551_0000_0000));
    }

    #[test]
    fn writes_are_ignored() {
        let mut v = VirtioMmio::empty();
        for offset in (0..0x200).step_by(4) {
            assert_eq!(v.write(offset, 4, u64::MAX), Some(()));
        }
        assert_eq!(v.read(0x000, 4), Some(0x7472_6976));
        assert_eq!(v.read(0x070, 4), Some(0));
    }

    #[test]
    fn rejects_outside_region_or_misaligned() {
        let mut v = VirtioMmio::empty();
        assert_eq!(v.read(0x200, 4), None);
        assert_eq!(v.read(0xffc, 4), None);
        assert_eq!(v.write(0x200, 4, 0), None);
        assert_eq!(v.read(2, 4), None);
        assert_eq!(v.read(4, 8), None);
        assert_eq!(v.read(0, 3), None);
        assert_eq!(v.read(u64::MAX, 1), None);
    }
}
