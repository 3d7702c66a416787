//! A virtio 9P transport device (virtio 1.1, 5: device ID 9; QEMU's
//! `virtio-9p-device` with `-fsdev local,security_model=none`): one request
//! queue whose chains each carry one T-message in their device-readable
//! buffers and room for the R-message in their device-writable ones; the
//! configuration space is the mount tag (`le16 tag_len; u8 tag[tag_len]`).
//! The file server itself is `server`; `host` keeps it inside the share.
//!
//! A chain too short for a message header, a size field beyond the chain or
//! `server::MAX_MSIZE`, or too little room for the reply breaks the queue
//! (QEMU: virtio_error, "VirtFS reply type ... needs ... bytes"); a message
//! whose body is short is answered Rlerror(EPROTO).

pub mod host;
pub mod server;
pub mod wire;

#[cfg(test)]
mod tests;

use super::queue::{Chain, QueueError, Segment};
use super::{Device, DeviceEvent, DEVICE_ID_9P};
use crate::bus::dma::Dma;
use server::{Request, Server};
use wire::HEADER_LEN;

/// Feature bit 0: the configuration space has a mount tag.
const VIRTIO_9P_MOUNT_TAG: u64 = 1;
/// Rlerror: size[4] type[1] tag[2] ecode[4], the least room a reply needs.
const MIN_REPLY: u64 = HEADER_LEN as u64 + 4;
/// Modelled service time: 20 us a request (a host system call or two), then
/// about 2.5 GB/s for the bytes of the chain, as blk (1 tick = 100 ns).
pub const START_TICKS: u64 = 200;
pub const BYTES_PER_TICK: u64 = 256;

/// One request, as `--trace 9p` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct P9Event {
    pub tag: String,
    pub request: Request,
    /// Modelled service time in mtime ticks.
    pub ticks: u64,
}

pub struct P9 {
    tag: String,
    config: Vec<u8>,
    server: Server,
    /// The T-message being served, gathered from its buffers.
    req: Vec<u8>,
}

impl P9 {
    /// A device sharing the host directory `dir` under the mount tag `tag`.
    pub fn new(dir: &std::path::Path, tag: &str, readonly: bool) -> std::io::Result<P9> {
        let root = host::Root::open(dir)?;
        let mut config = (tag.len() as u16).to_le_bytes().to_vec();
        config.extend_from_slice(tag.as_bytes());
        Ok(P9 { tag: tag.into(), config, server: Server::new(root, readonly), req: Vec::new() })
    }

    /// Copies the T-message from the readable buffers into `self.req`.
    fn gather(&mut self, chain: &Chain, mem: &Dma) -> Result<(), QueueError> {
        let (readable, _) = chain.lengths();
        if readable < HEADER_LEN as u64 {
            return Err(QueueError::BadRequest);
        }
        read_prefix(chain, 4, mem, &mut self.req)?;
        let size = u64::from(u32::from_le_bytes(self.req[0..4].try_into().unwrap()));
        if size < HEADER_LEN as u64 || size > u64::from(server::MAX_MSIZE) || size > readable {
            return Err(QueueError::BadRequest);
        }
        read_prefix(chain, size, mem, &mut self.req)
    }
}

/// The first `len` device-readable bytes of `chain`, into `out`.
fn read_prefix(chain: &Chain, len: u64, mem: &Dma, out: &mut Vec<u8>) -> Result<(), QueueError> {
    out.clear();
    for s in chain.segments.iter().filter(|s| !s.write) {
        let take = (len - out.len() as u64).min(u64::from(s.len));
        out.extend_from_slice(mem.slice(s.addr, take).ok_or(QueueError::BadAddress(s.addr))?);
    }
    Ok(())
}

/// Writes `reply` across the writable buffers.
fn scatter(reply: &[u8], writable: &[Segment], mem: &mut Dma) -> Result<(), QueueError> {
    let mut done = 0usize;
    for s in writable {
        let n = (reply.len() - done).min(s.len as usize);
        mem.write(s.addr, &reply[done..done + n]).ok_or(QueueError::BadAddress(s.addr))?;
        done += n;
    }
    if done < reply.len() {
        return Err(QueueError::BadRequest);
    }
    Ok(())
}

impl Device for P9 {
    fn device_id(&self) -> u32 {
        DEVICE_ID_9P
    }

    fn features(&self) -> u64 {
        VIRTIO_9P_MOUNT_TAG
    }

    fn queue_count(&self) -> usize {
        1
    }

    fn config(&self) -> &[u8] {
        &self.config
    }

    fn cost(&self, chain: &Chain) -> u64 {
        let (r, w) = chain.lengths();
        START_TICKS + (r + w) / BYTES_PER_TICK
    }

    fn serve(&mut self, _queue: usize, chain: &Chain, mem: &mut Dma) -> Result<(u32, DeviceEvent), QueueError> {
        self.gather(chain, mem)?;
        let (_, room) = chain.lengths();
        if room < MIN_REPLY {
            return Err(QueueError::BadRequest);
        }
        let ticks = self.cost(chain);
        let mut request = Request::default();
        let req = std::mem::take(&mut self.req);
        self.server.handle(&req, room.min(usize::MAX as u64) as usize, &mut request);
        self.req = req;
        let reply = self.server.out.finish();
        let writable: Vec<Segment> = chain.segments.iter().filter(|s| s.write).copied().collect();
        scatter(reply, &writable, mem)?;
        let event = P9Event { tag: self.tag.clone(), request, ticks };
        Ok((reply.len() as u32, DeviceEvent::P9(event)))
    }
}
