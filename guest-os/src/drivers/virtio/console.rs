//! virtio-console (virtio 1.1, 5.3) with VIRTIO_CONSOLE_F_MULTIPORT, driver
//! side: the ports `console` uses for stdin and stdout (port 0), stderr
//! (port 1) and the kernel log (port 2), as `sv39 run` and QEMU's
//! `-device virtio-serial-device` with `virtconsole` (port 0) and
//! `virtserialport,nr=N` give them.
//!
//! At boot the driver says DEVICE_READY and answers each DEVICE_ADD with
//! PORT_READY, polling, until the device has been quiet for a while: then
//! the ports are known before init runs. Output is polled (a bounce frame
//! per port, each chain waited for); input arrives by interrupt into
//! receive buffers that are handed back at once, and PORT_OPEN 0 from the
//! host ends a port's input.

use super::queue::{Buffer, Virtqueue};
use super::{SetupError, Transport};
use crate::cpu;
use crate::mm::frame::Frame;
use crate::sync::Global;
use alloc::vec::Vec;

const F_MULTIPORT: u64 = 1 << 1;
/// The ports the kernel uses: stdin/stdout, stderr, the kernel log.
pub const PORTS: usize = 3;

// Control events (5.3.6.2).
const DEVICE_READY: u16 = 0;
const DEVICE_ADD: u16 = 1;
const PORT_READY: u16 = 3;
const PORT_OPEN: u16 = 6;

/// Receive buffers per queue, each a slice of one frame.
const RX_BUFFERS: u16 = 16;
const RX_BUFFER_LEN: u32 = 256;
const QUEUE_SIZE: u16 = 32;
/// How long the device must stay quiet for the handshake to be over:
/// 2 ms at the virt board's 10 MHz timebase.
const QUIET_TICKS: u64 = 20_000;

/// A queue that carries bytes to the driver: its receive buffers.
struct Receiver {
    queue: Virtqueue,
    index: u32,
    buffers: Frame,
}

impl Receiver {
    fn new(t: &Transport, index: u32) -> Result<Receiver, SetupError> {
        let mut r = Receiver {
            queue: t.setup_queue(index, QUEUE_SIZE)?,
            index,
            buffers: Frame::alloc().map_err(|_| SetupError::NoMemory)?,
        };
        for i in 0..RX_BUFFERS {
            r.post(i);
        }
        Ok(r)
    }

    /// Hands buffer `i` to the device.
    fn post(&mut self, i: u16) {
        let pa = self.buffers.pa().as_u64() + u64::from(i) * u64::from(RX_BUFFER_LEN);
        // The queue has more descriptors than buffers: there is always room.
        let head = self.queue.add(&[Buffer { pa, len: RX_BUFFER_LEN, device_writes: true }]);
        debug_assert!(head.is_some());
    }

    /// Takes each filled buffer: `f` sees its bytes, then it goes back to
    /// the device. Whether any came.
    fn drain(&mut self, t: &Transport, f: &mut dyn FnMut(&[u8])) -> bool {
        let mut any = false;
        while let Some((head, len)) = self.queue.pop_used() {
            // Chains are single buffers, so the head's address names the buffer.
            let i = self.buffer_of(head);
            let at = usize::from(i) * RX_BUFFER_LEN as usize;
            f(&self.buffers.bytes()[at..at + (len.min(RX_BUFFER_LEN) as usize)]);
            self.queue.free_chain(head);
            self.post(i);
            any = true;
        }
        if any {
            t.notify(self.index);
        }
        any
    }

    fn buffer_of(&self, head: u16) -> u16 {
        self.queue.buffer_pa(head).map_or(0, |pa| ((pa - self.buffers.pa().as_u64()) / u64::from(RX_BUFFER_LEN)) as u16)
    }
}

/// A queue that carries bytes to the device, through a bounce frame.
struct Transmitter {
    queue: Virtqueue,
    index: u32,
    bounce: Frame,
}

impl Transmitter {
    fn new(t: &Transport, index: u32) -> Result<Transmitter, SetupError> {
        Ok(Transmitter {
            queue: t.setup_queue(index, QUEUE_SIZE)?,
            index,
            bounce: Frame::alloc().map_err(|_| SetupError::NoMemory)?,
        })
    }

    /// Sends `data`, a frame at a time, waiting for the device to take each.
    fn send(&mut self, t: &Transport, data: &[u8]) {
        for chunk in data.chunks(self.bounce.bytes().len()) {
            self.bounce.bytes_mut()[..chunk.len()].copy_from_slice(chunk);
            let buf = Buffer { pa: self.bounce.pa().as_u64(), len: chunk.len() as u32, device_writes: false };
            let Some(head) = self.queue.add(&[buf]) else { return };
            t.notify(self.index);
            while self.queue.pop_used().is_none() {
                core::hint::spin_loop();
            }
            self.queue.free_chain(head);
        }
    }
}

struct Port {
    rx: Receiver,
    tx: Transmitter,
    /// The device added the port (DEVICE_ADD).
    added: bool,
    /// The host side is open (PORT_OPEN); closed, input has ended.
    host_open: bool,
}

struct Vcon {
    transport: Transport,
    control_rx: Receiver,
    control_tx: Transmitter,
    ports: Vec<Port>,
}

static VCON: Global<Option<Vcon>> = Global::new(None);

/// What the device said, for the console to act on outside the driver's lock.
pub enum Event<'a> {
    Input(usize, &'a [u8]),
    /// The host closed the port's input.
    Closed(usize),
}

/// The receive and transmit queue of port `port` (5.3.2).
fn port_queues(port: usize) -> (u32, u32) {
    let rx = if port == 0 { 0 } else { 2 * port as u32 + 2 };
    (rx, rx + 1)
}

/// Brings up the console behind `transport`: negotiates MULTIPORT, sets up
/// the queues of the ports the kernel uses and runs the port handshake.
pub fn attach(transport: Transport) -> Result<(), SetupError> {
    let agreed = transport.negotiate(F_MULTIPORT)?;
    if agreed & F_MULTIPORT == 0 {
        transport.fail();
        return Err(SetupError::Features);
    }
    let max_ports = transport.config_u32(4) as usize;
    let control_rx = Receiver::new(&transport, 2)?;
    let control_tx = Transmitter::new(&transport, 3)?;
    let mut ports = Vec::new();
    for p in 0..max_ports.min(PORTS) {
        let (rx, tx) = port_queues(p);
        let rx = Receiver::new(&transport, rx)?;
        let tx = Transmitter::new(&transport, tx)?;
        ports.push(Port { rx, tx, added: false, host_open: false });
    }
    transport.driver_ok();
    let mut v = Vcon { transport, control_rx, control_tx, ports };
    v.transport.notify(2);
    for p in 0..v.ports.len() {
        v.transport.notify(port_queues(p).0);
    }
    v.control(0, DEVICE_READY, 1);
    let mut quiet_since = cpu::time();
    while cpu::time() - quiet_since < QUIET_TICKS {
        if v.serve_control() {
            quiet_since = cpu::time();
        }
        core::hint::spin_loop();
    }
    for p in 0..v.ports.len() {
        if v.ports[p].added {
            v.control(p as u32, PORT_OPEN, 1);
        }
    }
    *VCON.borrow_mut() = Some(v);
    Ok(())
}

impl Vcon {
    /// Sends one control message.
    fn control(&mut self, id: u32, event: u16, value: u16) {
        let mut msg = [0u8; 8];
        msg[0..4].copy_from_slice(&id.to_le_bytes());
        msg[4..6].copy_from_slice(&event.to_le_bytes());
        msg[6..8].copy_from_slice(&value.to_le_bytes());
        self.control_tx.send(&self.transport, &msg);
    }

    /// Acts on the device's control messages; whether there were any.
    fn serve_control(&mut self) -> bool {
        let mut messages = Vec::new();
        let any = self.control_rx.drain(&self.transport, &mut |m| {
            if m.len() >= 8 {
                let id = u32::from_le_bytes([m[0], m[1], m[2], m[3]]);
                messages.push((id, u16::from_le_bytes([m[4], m[5]]), u16::from_le_bytes([m[6], m[7]])));
            }
        });
        for (id, event, value) in messages {
            let Some(port) = self.ports.get_mut(id as usize) else { continue };
            match event {
                DEVICE_ADD => {
                    port.added = true;
                    self.control(id, PORT_READY, 1);
                }
                PORT_OPEN => port.host_open = value != 0,
                // CONSOLE_PORT, PORT_NAME, RESIZE: the ports are known by number.
                _ => {}
            }
        }
        any
    }
}

/// Whether the device added port `port`.
pub fn has_port(port: usize) -> bool {
    VCON.borrow().as_ref().is_some_and(|v| v.ports.get(port).is_some_and(|p| p.added))
}

/// The PLIC source of the console, if there is one.
pub fn irq() -> Option<u32> {
    VCON.borrow().as_ref().map(|v| v.transport.irq)
}

/// Writes `data` to port `port`; false when the port is busy (the caller
/// was interrupted inside a write, or panicked there) or missing.
pub fn write(port: usize, data: &[u8]) -> bool {
    let Some(mut vcon) = VCON.try_borrow_mut() else { return false };
    let Some(v) = vcon.as_mut() else { return false };
    let Some(p) = v.ports.get_mut(port).filter(|p| p.added) else { return false };
    p.tx.send(&v.transport, data);
    true
}

/// The console's interrupt: the input and the port changes that came, in
/// order, each handed to `f` once the driver is unlocked.
pub fn interrupt(f: &mut dyn FnMut(Event)) {
    let mut input: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut closed = Vec::new();
    {
        let mut vcon = VCON.borrow_mut();
        let Some(v) = vcon.as_mut() else { return };
        v.transport.ack_interrupt();
        for (i, p) in v.ports.iter_mut().enumerate() {
            p.rx.drain(&v.transport, &mut |bytes| input.push((i, bytes.to_vec())));
        }
        let was_open: Vec<bool> = v.ports.iter().map(|p| p.host_open).collect();
        v.serve_control();
        for (i, p) in v.ports.iter().enumerate() {
            if was_open[i] && !p.host_open {
                closed.push(i);
            }
        }
    }
    for (port, bytes) in &input {
        f(Event::Input(*port, bytes));
    }
    for port in closed {
        f(Event::Closed(port));
    }
}

/// Whether the host side of `port` is open (input may still come).
pub fn host_open(port: usize) -> bool {
    VCON.borrow().as_ref().is_some_and(|v| v.ports.get(port).is_some_and(|p| p.host_open))
}
