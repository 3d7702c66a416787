//! Device events (`--trace blk`): each virtio-blk request when the device
//! completes it, with its sector, length, direction, status and latency in
//! `mtime` ticks and, under the deterministic clock, guest instructions.
//! The devices record them only while traced; the machine drains them after
//! each batch, so they appear in the trace in the order they completed.

use super::record::{hex, Record};
use crate::bus::{Bus, Clock};
use crate::devices::virtio::blk::{BlkEvent, BlkOp, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP};
use crate::devices::virtio::DeviceEvent;
use sv39_arch::memmap::{VIRTIO_BASE, VIRTIO_SIZE};

/// Makes the devices on `bus` record their events.
pub fn observe(bus: &mut Bus) {
    for slot in bus.virtio.iter_mut().filter(|s| s.has_device()) {
        slot.events.get_or_insert_with(Vec::new);
    }
}

/// The records of the events recorded since the last call, in slot order.
pub fn drain(bus: &mut Bus) -> Vec<Record> {
    let per_tick = match bus.clock {
        Clock::Instructions { per_tick } => Some(per_tick),
        Clock::Realtime { .. } => None,
    };
    let mut records = Vec::new();
    let mut disk = 0;
    for (i, slot) in bus.virtio.iter_mut().enumerate() {
        let Some(events) = &mut slot.events else { continue };
        for (done, e) in events.drain(..) {
            let DeviceEvent::Blk(b) = e else { continue };
            records.push(blk(&b, disk, VIRTIO_BASE + i as u64 * VIRTIO_SIZE, done, per_tick));
        }
        disk += 1;
    }
    records
}

/// The disk name the bundled kernel (and Linux) gives the `n`-th disk.
fn disk_name(n: usize) -> String {
    format!("vd{}", char::from(b'a' + (n % 26) as u8))
}

fn blk(b: &BlkEvent, disk: usize, base: u64, done: u64, per_tick: Option<u64>) -> Record {
    let op = match b.op {
        BlkOp::Read => "read".to_string(),
        BlkOp::Write => "write".to_string(),
        BlkOp::Flush => "flush".to_string(),
        BlkOp::GetId => "get-id".to_string(),
        BlkOp::Other(t) => format!("type-{t}"),
    };
    let status = match b.status {
        VIRTIO_BLK_S_OK => "ok",
        VIRTIO_BLK_S_IOERR => "ioerr",
        VIRTIO_BLK_S_UNSUPP => "unsupp",
        _ => "?",
    };
    let name = disk_name(disk);
    let insns = per_tick.map(|t| b.ticks * t);
    let mut r = Record::new_device("blk", &name);
    r.field("base", hex(base)).field("op", op.as_str()).field("sector", b.sector).field("bytes", b.bytes);
    r.field("status", status).field("ticks", b.ticks).field("mtime", done);
    r.field("insns", insns.map_or(serde_json::Value::Null, Into::into));
    let place = match b.op {
        BlkOp::Read | BlkOp::Write => format!(" sector {} +{} bytes", b.sector, b.bytes),
        _ => String::new(),
    };
    let latency = insns.map_or(String::new(), |n| format!(" ({n} instructions)"));
    r.text = format!("blk    {name} {op}{place}: {status}, {} ticks{latency}, done at mtime {done}", b.ticks);
    r
}
