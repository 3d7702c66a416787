//! The devices of the virt board, one file each. Each device sees offsets from
//! its own base; the bus (`crate::bus`) maps address ranges to devices.

pub mod clint;
pub mod mrom;
pub mod plic;
pub mod test_finisher;
pub mod uart;
pub mod virtio;

/// A memory-mapped device: register accesses by offset from the device's base
/// with a size of 1, 2, 4 or 8 bytes. `None` means the device rejects the access
/// (a size or offset it does not decode), which the hart raises as an access fault.
pub trait Mmio {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64>;
    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()>;
}
