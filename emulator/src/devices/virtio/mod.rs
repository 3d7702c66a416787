//! virtio over MMIO (virtio spec 1.1): the transport (`mmio`), the split
//! virtqueue (`queue`) and the devices behind a transport (`blk`, `console`,
//! `p9`).
//!
//! A device serves one descriptor chain at a time per transport, taking a
//! modelled time in `mtime` ticks (`Device::cost`), so completions arrive as
//! interrupts later than the notify that asked for them, at the same
//! instruction on every run.

pub mod blk;
pub mod console;
pub mod mmio;
pub mod p9;
pub mod queue;

use crate::bus::dma::Dma;
use queue::{Chain, QueueError};

/// Device status bits (2.1).
pub mod status {
    pub const ACKNOWLEDGE: u32 = 1;
    pub const DRIVER: u32 = 2;
    pub const DRIVER_OK: u32 = 4;
    pub const FEATURES_OK: u32 = 8;
    pub const DEVICE_NEEDS_RESET: u32 = 64;
    pub const FAILED: u32 = 128;
}

/// Feature bits every device here offers (6).
pub mod feature {
    pub const NOTIFY_ON_EMPTY: u64 = 1 << 24;
    pub const ANY_LAYOUT: u64 = 1 << 27;
    pub const RING_INDIRECT_DESC: u64 = 1 << 28;
    pub const RING_EVENT_IDX: u64 = 1 << 29;
    pub const VERSION_1: u64 = 1 << 32;
}

/// Device IDs (5).
pub const DEVICE_ID_CONSOLE: u32 = 3;
pub const DEVICE_ID_BLOCK: u32 = 2;
pub const DEVICE_ID_9P: u32 = 9;

/// What a device did, for `--trace blk` and `--trace 9p`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceEvent {
    Blk(blk::BlkEvent),
    P9(p9::P9Event),
    /// A console chain (not traced).
    Console,
}

/// A device behind a virtio-mmio transport.
pub trait Device: Send + std::any::Any {
    fn device_id(&self) -> u32;
    /// Device-specific feature bits; the transport adds the ring features.
    fn features(&self) -> u64;
    fn queue_count(&self) -> usize;
    /// The device configuration space (at transport offset 0x100).
    fn config(&self) -> &[u8];
    /// The queues whose chains the device fills from its own side (receive
    /// queues), one bit each: their chains wait in the ring until the device
    /// has something to put in them.
    fn receive_queues(&self) -> u64 {
        0
    }
    /// The receive queues the device has something for now.
    fn ready_queues(&self) -> u64 {
        0
    }
    /// The modelled time, in `mtime` ticks, of serving `chain`.
    fn cost(&self, chain: &Chain) -> u64;
    /// Serves `chain` of queue `queue`: the bytes written into its
    /// device-writable buffers, and what to trace. A chain that breaks the
    /// device's rules is a `QueueError`.
    fn serve(&mut self, queue: usize, chain: &Chain, mem: &mut Dma) -> Result<(u32, DeviceEvent), QueueError>;
}
