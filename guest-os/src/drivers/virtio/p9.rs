//! virtio-9p (the transport of QEMU's `-virtfs`, Linux net/9p/trans_virtio.c),
//! driver side: device ID 9, VIRTIO_9P_MOUNT_TAG with the tag in the
//! configuration space (`le16 tag_len; u8 tag[tag_len]`), one request queue.
//! A request is one chain: the T-message the device reads, then a buffer of
//! msize bytes it writes the R-message into.
//!
//! One request is in flight per device at a time: a caller that finds the
//! device busy sleeps until it is free, so messages from several processes
//! never interleave. The requester sleeps (uninterruptibly) until the
//! interrupt handler has seen the used chain; before the first process
//! exists (the boot-time mount) it polls the used ring.

use super::queue::{Buffer, Virtqueue};
use super::{SetupError, Transport};
use crate::memlayout::virt_to_phys;
use crate::proc::scheduler::{self, Channel};
use crate::sync::Global;
use alloc::string::String;
use alloc::vec::Vec;
use sv39_abi::Errno;

const VIRTIO_9P_MOUNT_TAG: u64 = 1 << 0;
/// The largest message either way: 64 KiB of data and room for the headers.
pub const MSIZE: u32 = 64 * 1024 + 4096;
/// Descriptors per request: the T-message and the reply buffer.
const QUEUE_SIZE: u16 = 8;

struct Device {
    transport: Transport,
    queue: Virtqueue,
    tag: String,
    /// A request is on the queue or its reply not yet taken.
    busy: bool,
    /// The reply's length once the device has used the chain.
    done: Option<u32>,
}

static DEVICES: Global<Vec<Device>> = Global::new(Vec::new());

/// Brings up the 9p device behind `transport`; its index.
pub fn attach(transport: Transport) -> Result<usize, SetupError> {
    let agreed = transport.negotiate(VIRTIO_9P_MOUNT_TAG)?;
    if agreed & VIRTIO_9P_MOUNT_TAG == 0 {
        transport.fail();
        return Err(SetupError::Features);
    }
    let queue = transport.setup_queue(0, QUEUE_SIZE)?;
    let tag = mount_tag(&transport);
    transport.driver_ok();
    let mut devices = DEVICES.borrow_mut();
    devices.push(Device { transport, queue, tag, busy: false, done: None });
    Ok(devices.len() - 1)
}

/// The configuration space's tag (5.3.4), read a 32-bit word at a time.
fn mount_tag(t: &Transport) -> String {
    let byte = |at: u64| (t.config_u32(at & !3) >> (8 * (at & 3))) as u8;
    let len = u64::from(byte(0)) | u64::from(byte(1)) << 8;
    let bytes: Vec<u8> = (0..len.min(256)).map(|i| byte(2 + i)).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The device whose mount tag is `tag`.
pub fn find(tag: &str) -> Option<usize> {
    DEVICES.borrow().iter().position(|d| d.tag == tag)
}

/// The mount tag of device `n`.
pub fn tag(n: usize) -> Option<String> {
    DEVICES.borrow().get(n).map(|d| d.tag.clone())
}

/// Sends `request` (at most MSIZE bytes) to device `n` and hands the reply
/// to `parse`, which must not call the driver. EIO if the device gave back
/// more than the buffer or nothing; ENOMEM without heap for the reply.
///
/// Both buffers are on the kernel heap, which is direct-mapped RAM, so each
/// is physically contiguous; the device reads and writes them in place
/// while this call waits. The reply's buffer lives only as long as the
/// call: an idle share holds no heap (small RAM gives a small heap).
pub fn rpc<R>(n: usize, request: Vec<u8>, parse: impl FnOnce(&[u8]) -> R) -> Result<R, Errno> {
    if request.is_empty() || request.len() > MSIZE as usize {
        return Err(Errno::EINVAL);
    }
    let mut response = Vec::new();
    response.try_reserve_exact(MSIZE as usize).map_err(|_| Errno::ENOMEM)?;
    response.resize(MSIZE as usize, 0);
    while !submit(n, &request, &response)? {
        wait(n);
    }
    let len = loop {
        if let Some(len) = take_done(n) {
            break len;
        }
        wait(n);
    };
    release(n);
    let result = response.get(..len as usize).map(parse);
    result.ok_or(Errno::EIO)
}

/// Puts `request` and the `response` buffer on the queue; false while
/// another request holds the device.
fn submit(n: usize, request: &[u8], response: &[u8]) -> Result<bool, Errno> {
    let mut devices = DEVICES.borrow_mut();
    let d = devices.get_mut(n).ok_or(Errno::ENXIO)?;
    if d.busy {
        return Ok(false);
    }
    let out = Buffer { pa: pa_of(request), len: request.len() as u32, device_writes: false };
    let back = Buffer { pa: pa_of(response), len: MSIZE, device_writes: true };
    if d.queue.add(&[out, back]).is_none() {
        return Err(Errno::EIO);
    }
    d.busy = true;
    d.done = None;
    d.transport.notify(0);
    Ok(true)
}

fn pa_of(buf: &[u8]) -> u64 {
    virt_to_phys(buf.as_ptr() as u64).as_u64()
}

/// The reply's length, once the device has used the chain.
fn take_done(n: usize) -> Option<u32> {
    let mut devices = DEVICES.borrow_mut();
    let d = devices.get_mut(n)?;
    let len = d.done.take()?;
    Some(len.min(MSIZE))
}

/// Frees the device for the next request and wakes who waits for it.
fn release(n: usize) {
    if let Some(d) = DEVICES.borrow_mut().get_mut(n) {
        d.busy = false;
    }
    scheduler::wakeup(Channel::Share(n));
}

/// Waits for the device's next used chain (or for it to be free).
fn wait(n: usize) {
    if scheduler::has_current() {
        scheduler::sleep(Channel::Share(n));
    } else {
        core::hint::spin_loop();
        reap(n);
    }
}

/// Records the chain the device has used and wakes the requester.
fn reap(n: usize) {
    let used = {
        let mut devices = DEVICES.borrow_mut();
        let Some(d) = devices.get_mut(n) else { return };
        let mut used = false;
        while let Some((head, len)) = d.queue.pop_used() {
            d.queue.free_chain(head);
            d.done = Some(len);
            used = true;
        }
        used
    };
    if used {
        scheduler::wakeup(Channel::Share(n));
    }
}

/// The interrupt of PLIC source `irq`: whether it was a 9p device's.
pub fn interrupt(irq: u32) -> bool {
    let Some(n) = DEVICES.borrow().iter().position(|d| d.transport.irq == irq) else { return false };
    if let Some(d) = DEVICES.borrow().get(n) {
        d.transport.ack_interrupt();
    }
    reap(n);
    true
}
