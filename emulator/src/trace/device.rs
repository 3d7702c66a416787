//! Device events (`--trace blk`, `--trace 9p`): each virtio-blk request when
//! the device completes it, with its sector, length, direction, status and
//! latency in `mtime` ticks and, under the deterministic clock, guest
//! instructions; each 9P request and its reply.
//! The devices record them only while traced; the machine drains them after
//! each batch, so they appear in the trace in the order they completed.

use super::record::{hex, Record};
use crate::bus::{Bus, Clock};
use crate::devices::virtio::blk::{BlkEvent, BlkOp, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP};
use crate::devices::virtio::p9::{wire::msg, P9Event};
use crate::devices::virtio::{DeviceEvent, DEVICE_ID_BLOCK};
use sv39_arch::memmap::{VIRTIO_BASE, VIRTIO_SIZE};

/// Makes the devices on `bus` record their events.
pub fn observe(bus: &mut Bus) {
    for slot in bus.virtio.iter_mut().filter(|s| s.has_device()) {
        slot.events.get_or_insert_with(Vec::new);
    }
}

/// The records of the events recorded since the last call, in slot order:
/// the disks' when `blk`, the shares' when `p9`.
pub fn drain(bus: &mut Bus, blk_wanted: bool, p9_wanted: bool) -> Vec<Record> {
    let per_tick = match bus.clock {
        Clock::Instructions { per_tick } => Some(per_tick),
        Clock::Realtime { .. } => None,
    };
    let mut records = Vec::new();
    let mut disk = 0;
    for (i, slot) in bus.virtio.iter_mut().enumerate() {
        let Some(events) = &mut slot.events else { continue };
        let base = VIRTIO_BASE + i as u64 * VIRTIO_SIZE;
        for (done, e) in events.drain(..) {
            match e {
                DeviceEvent::Blk(b) if blk_wanted => records.push(blk(&b, disk, base, done, per_tick)),
                DeviceEvent::P9(p) if p9_wanted => records.push(p9(&p, base, done, per_tick)),
                _ => {}
            }
        }
        // Disks are named in slot order, whatever else sits between them.
        disk += usize::from(slot.device_id() == Some(DEVICE_ID_BLOCK));
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

/// A 9P message type's name, as in the protocol (`Twalk`).
fn p9_name(op: u8) -> String {
    let name = match op {
        msg::TVERSION => "version",
        msg::TATTACH => "attach",
        msg::TWALK => "walk",
        msg::TLOPEN => "lopen",
        msg::TLCREATE => "lcreate",
        msg::TREAD => "read",
        msg::TWRITE => "write",
        msg::TCLUNK => "clunk",
        msg::TGETATTR => "getattr",
        msg::TSETATTR => "setattr",
        msg::TREADDIR => "readdir",
        msg::TSTATFS => "statfs",
        msg::TREADLINK => "readlink",
        msg::TMKDIR => "mkdir",
        msg::TSYMLINK => "symlink",
        msg::TLINK => "link",
        msg::TUNLINKAT => "unlinkat",
        msg::TRENAMEAT => "renameat",
        msg::TRENAME => "rename",
        msg::TFSYNC => "fsync",
        msg::TFLUSH => "flush",
        msg::TXATTRWALK => "xattrwalk",
        msg::TLOCK => "lock",
        msg::TGETLOCK => "getlock",
        msg::TMKNOD => "mknod",
        msg::TXATTRCREATE => "xattrcreate",
        _ => return format!("type-{op}"),
    };
    name.to_string()
}

/// An errno's symbolic name for the trace (the number when Linux has none).
fn errno_name(e: i32) -> String {
    sv39_abi::errno::errno_name(e).map_or_else(|| format!("errno {e}"), String::from)
}

fn p9(p: &P9Event, base: u64, done: u64, per_tick: Option<u64>) -> Record {
    let q = &p.request;
    let op = p9_name(q.op);
    let mut r = Record::new_device("9p", &p.tag);
    r.field("base", hex(base)).field("op", op.as_str()).field("ticks", p.ticks).field("mtime", done);
    r.field("fid", q.fid.map_or(serde_json::Value::Null, Into::into));
    r.field("path", q.path.as_str());
    if let Some((offset, count)) = q.io {
        r.field("offset", offset).field("count", count);
    }
    let mut text = format!("9p     {} T{op}", p.tag);
    if let Some(fid) = q.fid {
        text += &format!(" fid {fid}");
    }
    if !q.path.is_empty() {
        text += &format!(" {}", q.path);
    }
    if let Some((offset, count)) = q.io {
        text += &format!(" offset {offset} count {count}");
    }
    match q.result {
        Ok(n) => {
            r.field("result", "ok").field("bytes", n);
            text += &format!(": R{op}");
            if q.io.is_some() {
                text += &format!(" {n} bytes");
            }
        }
        Err(e) => {
            let name = errno_name(e);
            r.field("result", name.as_str()).field("errno", e);
            text += &format!(": Rlerror {name}");
        }
    }
    let insns = per_tick.map(|t| p.ticks * t);
    r.field("insns", insns.map_or(serde_json::Value::Null, Into::into));
    let latency = insns.map_or(String::new(), |n| format!(" ({n} instructions)"));
    r.text = format!("{text}, {} ticks{latency}, done at mtime {done}", p.ticks);
    r
}
