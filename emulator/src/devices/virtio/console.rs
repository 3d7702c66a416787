//! virtio-console (virtio 1.1, 5.3) with VIRTIO_CONSOLE_F_MULTIPORT, as
//! QEMU's `-device virtio-serial-device` with one `virtconsole` and
//! `virtserialport`s: each port is a byte stream of its own, so `sv39 run`
//! carries the guest's stdin and stdout (the console port, 0), its stderr
//! and the kernel's log apart (see `sv39 run`'s `ports`).
//!
//! Queues: port 0 receive/transmit are 0 and 1, the control queues 2 (device
//! to driver) and 3 (driver to device), port N >= 1 uses 2N+2 and 2N+3.
//! As QEMU's hw/char/virtio-serial-bus.c: after the driver's DEVICE_READY
//! the device adds every port; after a port's PORT_READY it names the port
//! (PORT_NAME), marks the console (CONSOLE_PORT) and tells whether the host
//! side is open (PORT_OPEN). The end of host input is PORT_OPEN 0, sent
//! once every byte before it has reached the driver (QEMU sends it when
//! its character backend closes).
//!
//! A receive chain is held until the port has input for it (`Device::ready_queues`):
//! the machine wakes the transport when host input arrives.

use super::queue::{Chain, QueueError};
use super::{Device, DeviceEvent, DEVICE_ID_CONSOLE};
use crate::bus::dma::Dma;
use std::collections::VecDeque;
use std::io::Write;

/// VIRTIO_CONSOLE_F_MULTIPORT (5.3.3).
const F_MULTIPORT: u64 = 1 << 1;

// Control events (5.3.6.2).
const DEVICE_READY: u16 = 0;
const DEVICE_ADD: u16 = 1;
const PORT_READY: u16 = 3;
const CONSOLE_PORT: u16 = 4;
const PORT_OPEN: u16 = 6;
const PORT_NAME: u16 = 7;

/// The control queues' indices.
const CONTROL_RX: usize = 2;
const CONTROL_TX: usize = 3;
/// `mtime` ticks to serve any chain: the bytes go to the host at once.
const TICKS: u64 = 1;

/// One port: where its output goes, the host input not yet delivered.
pub struct Port {
    name: String,
    output: Box<dyn Write + Send>,
    input: VecDeque<u8>,
    /// The host side takes input (stdin not at its end).
    host_open: bool,
    /// The driver said PORT_READY.
    ready: bool,
    /// The last PORT_OPEN value sent.
    announced: Option<bool>,
}

impl Port {
    /// A port named `name` whose guest output goes to `output`; its host side
    /// is open, with no input yet.
    pub fn new(name: &str, output: Box<dyn Write + Send>) -> Port {
        Port { name: name.into(), output, input: VecDeque::new(), host_open: true, ready: false, announced: None }
    }

    /// What the driver is to see: open while the host is, or input is left.
    fn open(&self) -> bool {
        self.host_open || !self.input.is_empty()
    }
}

pub struct Console {
    ports: Vec<Port>,
    /// Control messages not yet delivered, each one chain's worth.
    control: VecDeque<Vec<u8>>,
    config: [u8; 12],
}

/// The receive and transmit queue of `port`.
pub fn port_queues(port: usize) -> (usize, usize) {
    let rx = if port == 0 { 0 } else { 2 * port + 2 };
    (rx, rx + 1)
}

impl Console {
    /// A device with `ports`; port 0 is the console.
    pub fn new(ports: Vec<Port>) -> Console {
        let mut config = [0u8; 12];
        // cols, rows (unused without F_SIZE), max_nr_ports, emerg_wr.
        config[4..8].copy_from_slice(&(ports.len() as u32).to_le_bytes());
        Console { ports, control: VecDeque::new(), config }
    }

    /// Bytes from the host for `port`'s receive queue.
    pub fn push_input(&mut self, port: usize, bytes: &[u8]) {
        if let Some(p) = self.ports.get_mut(port) {
            p.input.extend(bytes);
        }
    }

    /// The host side of `port` has reached its end (stdin's end of file).
    pub fn close_input(&mut self, port: usize) {
        if let Some(p) = self.ports.get_mut(port) {
            p.host_open = false;
        }
        self.announce();
    }

    /// Writes out what the ports hold (their output is unbuffered; this
    /// catches a writer that buffers).
    pub fn flush(&mut self) {
        for p in &mut self.ports {
            let _ = p.output.flush();
        }
    }

    /// Which port a queue belongs to, and whether it is that port's receive queue.
    fn port_of(&self, queue: usize) -> Option<(usize, bool)> {
        let port = match queue {
            0 | 1 => 0,
            CONTROL_RX | CONTROL_TX => return None,
            q => q / 2 - 1,
        };
        (port < self.ports.len()).then_some((port, queue % 2 == 0))
    }

    fn send(&mut self, id: usize, event: u16, value: u16, extra: &[u8]) {
        let mut msg = Vec::with_capacity(8 + extra.len());
        msg.extend_from_slice(&(id as u32).to_le_bytes());
        msg.extend_from_slice(&event.to_le_bytes());
        msg.extend_from_slice(&value.to_le_bytes());
        msg.extend_from_slice(extra);
        self.control.push_back(msg);
    }

    /// Sends PORT_OPEN for each ready port whose state the driver does not know.
    fn announce(&mut self) {
        for id in 0..self.ports.len() {
            let p = &self.ports[id];
            let open = p.open();
            if p.ready && p.announced != Some(open) {
                self.ports[id].announced = Some(open);
                self.send(id, PORT_OPEN, u16::from(open), &[]);
            }
        }
    }

    /// A control message from the driver (5.3.6.2).
    fn control_message(&mut self, msg: &[u8]) {
        let Some(head) = msg.get(..8) else { return };
        let id = u32::from_le_bytes(head[0..4].try_into().unwrap()) as usize;
        let event = u16::from_le_bytes([head[4], head[5]]);
        let value = u16::from_le_bytes([head[6], head[7]]);
        match event {
            DEVICE_READY if value == 1 => (0..self.ports.len()).for_each(|id| self.send(id, DEVICE_ADD, 0, &[])),
            PORT_READY if value == 1 && id < self.ports.len() => {
                self.ports[id].ready = true;
                if id == 0 {
                    self.send(id, CONSOLE_PORT, 1, &[]);
                }
                let name = self.ports[id].name.clone().into_bytes();
                self.send(id, PORT_NAME, 1, &name);
                self.announce();
            }
            // The guest opening or closing its end changes nothing here:
            // output is taken and input kept either way.
            _ => {}
        }
    }
}

/// The bytes of the chain's driver-written segments.
fn gather(chain: &Chain, mem: &Dma) -> Result<Vec<u8>, QueueError> {
    let mut data = Vec::new();
    for s in chain.segments.iter().filter(|s| !s.write) {
        data.extend_from_slice(mem.slice(s.addr, u64::from(s.len)).ok_or(QueueError::BadAddress(s.addr))?);
    }
    Ok(data)
}

/// Fills the chain's device-writable segments from `source`; the bytes written.
fn scatter(chain: &Chain, mem: &mut Dma, source: &mut dyn FnMut(&mut [u8]) -> usize) -> Result<u32, QueueError> {
    let mut written = 0;
    for s in chain.segments.iter().filter(|s| s.write) {
        let buf = mem.slice_mut(s.addr, u64::from(s.len)).ok_or(QueueError::BadAddress(s.addr))?;
        let n = source(buf);
        written += n as u32;
        if n < buf.len() {
            break;
        }
    }
    Ok(written)
}

impl Device for Console {
    fn device_id(&self) -> u32 {
        DEVICE_ID_CONSOLE
    }

    fn features(&self) -> u64 {
        F_MULTIPORT
    }

    fn queue_count(&self) -> usize {
        2 * (self.ports.len() + 1)
    }

    fn config(&self) -> &[u8] {
        &self.config
    }

    fn cost(&self, _chain: &Chain) -> u64 {
        TICKS
    }

    fn receive_queues(&self) -> u64 {
        (0..self.ports.len()).fold(1 << CONTROL_RX, |m, p| m | 1 << port_queues(p).0)
    }

    fn ready_queues(&self) -> u64 {
        let control = if self.control.is_empty() { 0 } else { 1 << CONTROL_RX };
        self.ports
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.input.is_empty())
            .fold(control, |m, (i, _)| m | 1 << port_queues(i).0)
    }

    fn serve(&mut self, queue: usize, chain: &Chain, mem: &mut Dma) -> Result<(u32, DeviceEvent), QueueError> {
        let written = match (queue, self.port_of(queue)) {
            (CONTROL_RX, _) => {
                let Some(msg) = self.control.pop_front() else { return Ok((0, DeviceEvent::Console)) };
                let mut at = 0;
                scatter(chain, mem, &mut |buf| {
                    let n = buf.len().min(msg.len() - at);
                    buf[..n].copy_from_slice(&msg[at..at + n]);
                    at += n;
                    n
                })?
            }
            (CONTROL_TX, _) => {
                let msg = gather(chain, mem)?;
                self.control_message(&msg);
                0
            }
            (_, Some((port, true))) => {
                let input = &mut self.ports[port].input;
                let n = scatter(chain, mem, &mut |buf| {
                    let n = buf.len().min(input.len());
                    for (b, v) in buf.iter_mut().zip(input.drain(..n)) {
                        *b = v;
                    }
                    n
                })?;
                self.announce();
                n
            }
            (_, Some((port, false))) => {
                let data = gather(chain, mem)?;
                // Output the host cannot take is lost, as with the UART.
                let out = &mut self.ports[port].output;
                let _ = out.write_all(&data).and_then(|_| out.flush());
                0
            }
            (_, None) => 0,
        };
        Ok((written, DeviceEvent::Console))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::code_pages::CodePages;
    use crate::bus::ram::Ram;
    use crate::devices::virtio::queue::Segment;
    use std::sync::{Arc, Mutex};

    const BASE: u64 = 0x8000_0000;

    /// Whether chains of `queue` are held for want of something to put in them.
    fn waits(c: &Console, queue: usize) -> bool {
        c.receive_queues() & !c.ready_queues() & 1 << queue != 0
    }

    /// A writer whose bytes the test reads back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn chain(addr: u64, len: u32, write: bool) -> Chain {
        Chain { head: 0, segments: vec![Segment { addr, len, write }] }
    }

    fn control(id: u32, event: u16, value: u16) -> Vec<u8> {
        let mut m = id.to_le_bytes().to_vec();
        m.extend_from_slice(&event.to_le_bytes());
        m.extend_from_slice(&value.to_le_bytes());
        m
    }

    /// Sends `msg` on the control transmit queue.
    fn tell(c: &mut Console, mem: &mut Dma, msg: &[u8]) {
        mem.write(BASE, msg).unwrap();
        c.serve(CONTROL_TX, &chain(BASE, msg.len() as u32, false), mem).unwrap();
    }

    /// The control messages the device has for the driver, each as bytes.
    fn take_control(c: &mut Console, mem: &mut Dma) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while !waits(c, CONTROL_RX) {
            let (n, _) = c.serve(CONTROL_RX, &chain(BASE + 0x100, 64, true), mem).unwrap();
            out.push(mem.slice(BASE + 0x100, u64::from(n)).unwrap().to_vec());
        }
        out
    }

    #[test]
    fn handshake_names_ports_and_input_ends_with_port_open_0() {
        let mut ram = Ram::new(BASE, 1 << 20).unwrap();
        let mut code = CodePages::new(1 << 20);
        let mut mem = Dma::new(&mut ram, &mut code);
        let err = Shared::default();
        let mut c = Console::new(vec![
            Port::new("stdio", Box::new(std::io::sink())),
            Port::new("stderr", Box::new(err.clone())),
        ]);
        assert_eq!(c.queue_count(), 6);
        assert_eq!(port_queues(1), (4, 5));
        assert_eq!(u32::from_le_bytes(c.config()[4..8].try_into().unwrap()), 2, "max_nr_ports");
        assert!(waits(&c, CONTROL_RX) && waits(&c, 0) && !waits(&c, 1) && !waits(&c, 5));
        tell(&mut c, &mut mem, &control(0, DEVICE_READY, 1));
        assert_eq!(take_control(&mut c, &mut mem), [control(0, DEVICE_ADD, 0), control(1, DEVICE_ADD, 0)]);
        c.push_input(0, b"ab");
        c.close_input(0);
        tell(&mut c, &mut mem, &control(0, PORT_READY, 1));
        let mut named = control(0, PORT_NAME, 1);
        named.extend_from_slice(b"stdio");
        assert_eq!(
            take_control(&mut c, &mut mem),
            [control(0, CONSOLE_PORT, 1), named, control(0, PORT_OPEN, 1)],
            "open while input is left"
        );
        assert!(!waits(&c, 0));
        let (n, _) = c.serve(0, &chain(BASE + 0x200, 16, true), &mut mem).unwrap();
        assert_eq!(mem.slice(BASE + 0x200, u64::from(n)).unwrap(), b"ab");
        assert_eq!(take_control(&mut c, &mut mem), [control(0, PORT_OPEN, 0)], "then the end of input");
        mem.write(BASE + 0x300, b"oops\n").unwrap();
        c.serve(5, &chain(BASE + 0x300, 5, false), &mut mem).unwrap();
        assert_eq!(*err.0.lock().unwrap(), b"oops\n");
    }
}
