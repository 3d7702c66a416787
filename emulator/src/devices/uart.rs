//! NS16550A UART at `UART0_BASE`, PLIC source 10, as QEMU 7.2's `serial.c`
//! (`serial_mm`, `regshift` 0) models it.
//!
//! What is copied from QEMU, checked against qemu-system-riscv64 7.2:
//! - the region is 8 bytes; an access of 1, 2, 4 or 8 bytes reaches the one
//!   register at its offset and uses the low byte only. Offsets 8 and up are
//!   not decoded (QEMU raises an access fault there).
//! - reset values: LSR = THRE|TEMT, MSR = DCD|DSR|CTS, MCR = OUT2, IIR = no
//!   interrupt, divisor latch 0x0c.
//! - transmission is instant: after a THR write, LSR.THRE and TEMT are set
//!   again and the THR-empty interrupt is pending. That interrupt is edge-like:
//!   it is raised when THR empties, when IER.ETBEI turns on while THR is
//!   empty, or by an FCR transmit-FIFO reset, and cleared by an IIR read that
//!   reports it or by the next THR write.
//! - the line is driven each time the interrupt state is re-evaluated (QEMU's
//!   `serial_update_irq`), not only when it changes: see [`Uart::take_irq_update`].
//! - host input waits in a queue until the receiver can take it (QEMU's
//!   `serial_can_receive`): one byte in RBR without FIFOs, up to the trigger
//!   level with FIFOs. Host input is never lost to overrun.
//! - host input reaches the receiver only once the guest's driver has
//!   turned to it (written FCR or IER, or read LSR). QEMU's backend may
//!   deliver a piped byte at reset, before the driver's FIFO reset clears
//!   it, a race QEMU's slower main loop usually loses; here the first byte
//!   of piped input would be lost every time.
//!
//! Differences: the receive-FIFO character timeout fires at once instead of
//! four character times later (the UART has no clock), and the modem status
//! lines never change, so the modem status interrupt never fires (as with a
//! QEMU backend that is not a tty).

use super::Mmio;
use std::collections::VecDeque;
use std::io::{BufWriter, Write};

// Register offsets. DLL and DLM replace RBR/THR and IER while LCR.DLAB is set.
const RBR_THR_DLL: u64 = 0;
const IER_DLM: u64 = 1;
const IIR_FCR: u64 = 2;
const LCR: u64 = 3;
const MCR: u64 = 4;
const LSR: u64 = 5;
const MSR: u64 = 6;
const SCR: u64 = 7;
/// Bytes decoded by QEMU's serial region (`8 << regshift`).
const REGION_SIZE: u64 = 8;

// IER: interrupt enables.
const IER_ERBFI: u8 = 0x01; // received data available
const IER_ETBEI: u8 = 0x02; // transmitter holding register empty
const IER_ELSI: u8 = 0x04; // receiver line status
const IER_MASK: u8 = 0x0f;

// IIR: interrupt identification (bits 0-3) and FIFO status (bits 6-7).
const IIR_NO_INT: u8 = 0x01;
const IIR_ID_MASK: u8 = 0x06;
const IIR_THRE: u8 = 0x02;
const IIR_RDA: u8 = 0x04;
const IIR_RLS: u8 = 0x06;
const IIR_CTI: u8 = 0x0c;
const IIR_FIFOS_ENABLED: u8 = 0xc0;

// FCR: FIFO control.
const FCR_FIFO_ENABLE: u8 = 0x01;
const FCR_RCVR_RESET: u8 = 0x02;
const FCR_XMIT_RESET: u8 = 0x04;
/// The bits of FCR that stick: FIFO enable, DMA mode, receiver trigger.
const FCR_STICKY: u8 = 0xc9;

// LCR: line control.
const LCR_DLAB: u8 = 0x80;

// MCR: modem control.
const MCR_DTR: u8 = 0x01;
const MCR_RTS: u8 = 0x02;
const MCR_OUT1: u8 = 0x04;
const MCR_OUT2: u8 = 0x08;
const MCR_LOOP: u8 = 0x10;
const MCR_MASK: u8 = 0x1f;

// LSR: line status.
const LSR_DR: u8 = 0x01;
const LSR_OE: u8 = 0x02;
const LSR_BI: u8 = 0x10;
const LSR_THRE: u8 = 0x20;
const LSR_TEMT: u8 = 0x40;
/// The LSR bits that raise the receiver line status interrupt (OE PE FE BI).
const LSR_INT_ANY: u8 = 0x1e;

// MSR: modem status.
const MSR_CTS: u8 = 0x10;
const MSR_DSR: u8 = 0x20;
const MSR_RI: u8 = 0x40;
const MSR_DCD: u8 = 0x80;

/// Bytes the receive FIFO holds.
const RX_FIFO_LEN: usize = 16;
/// The divisor latch at reset: 9600 baud from QEMU's 1.8432 MHz base.
const RESET_DIVISOR: u16 = 0x0c;

pub struct Uart {
    out: BufWriter<Box<dyn Write + Send>>,
    rbr: u8,
    ier: u8,
    iir: u8,
    fcr: u8,
    lcr: u8,
    mcr: u8,
    lsr: u8,
    scr: u8,
    divisor: u16,
    rx_fifo: VecDeque<u8>,
    /// Receive FIFO trigger level in bytes (FCR bits 6-7).
    rx_trigger: usize,
    /// The THR-empty interrupt is pending (edge-like, see the module doc).
    thr_ipending: bool,
    /// Host bytes not yet taken by the receiver.
    host_input: VecDeque<u8>,
    /// The driver has turned to the receiver: host input may flow.
    rx_open: bool,
    /// The interrupt line to the PLIC.
    line: bool,
    /// The last level the UART drove its line to, not yet taken.
    line_update: Option<bool>,
}

impl Uart {
    /// A UART in its reset state whose transmitter writes to `output`.
    pub fn new(output: Box<dyn Write + Send>) -> Uart {
        Uart {
            out: BufWriter::new(output),
            rbr: 0,
            ier: 0,
            iir: IIR_NO_INT,
            fcr: 0,
            lcr: 0,
            mcr: MCR_OUT2,
            lsr: LSR_THRE | LSR_TEMT,
            scr: 0,
            divisor: RESET_DIVISOR,
            rx_fifo: VecDeque::with_capacity(RX_FIFO_LEN),
            rx_trigger: 1,
            thr_ipending: false,
            host_input: VecDeque::new(),
            rx_open: false,
            line: false,
            line_update: None,
        }
    }

    /// A byte typed on the host. It waits in an unbounded queue until the
    /// receiver has room, as QEMU's character backend holds input back.
    pub fn push_input(&mut self, byte: u8) {
        self.host_input.push_back(byte);
        self.accept_input();
    }

    /// The level of the interrupt line to PLIC source 10.
    pub fn irq(&self) -> bool {
        self.line
    }

    /// The level the UART last drove its interrupt line to, if it has driven
    /// it since the last call. QEMU drives the line on every re-evaluation
    /// (RBR read, THR/IER/FCR write, an IIR read reporting THR empty, received
    /// input), not only on changes, and each drive to high sets the PLIC
    /// pending bit again: forward every update to `Plic::set_level`. Reads of
    /// LSR, SCR, LCR and the like do not drive the line.
    pub fn take_irq_update(&mut self) -> Option<bool> {
        self.line_update.take()
    }

    /// Writes out any buffered output.
    pub fn flush(&mut self) {
        // Output the host cannot take is lost, as in QEMU after its retries.
        let _ = self.out.flush();
    }

    fn fifo_enabled(&self) -> bool {
        self.fcr & FCR_FIFO_ENABLE != 0
    }

    fn dlab(&self) -> bool {
        self.lcr & LCR_DLAB != 0
    }

    /// Re-evaluates the interrupt (QEMU's `serial_update_irq`): IIR reports the
    /// highest-priority condition and the line is driven.
    fn update_irq(&mut self) {
        let id = self.interrupt_id();
        self.iir = id | (self.iir & 0xf0);
        self.line = id != IIR_NO_INT;
        self.line_update = Some(self.line);
    }

    /// The IIR interrupt ID of the highest-priority enabled condition.
    fn interrupt_id(&self) -> u8 {
        let rx_enabled = self.ier & IER_ERBFI != 0;
        let rx_ready = self.lsr & LSR_DR != 0 && (!self.fifo_enabled() || self.rx_fifo.len() >= self.rx_trigger);
        if self.ier & IER_ELSI != 0 && self.lsr & LSR_INT_ANY != 0 {
            IIR_RLS
        } else if rx_enabled && self.char_timeout() {
            IIR_CTI
        } else if rx_enabled && rx_ready {
            IIR_RDA
        } else if self.ier & IER_ETBEI != 0 && self.thr_ipending {
            IIR_THRE
        } else {
            IIR_NO_INT
        }
    }

    /// The receive FIFO holds bytes below its trigger level. QEMU reports a
    /// character timeout four character times after the last byte moved; this
    /// UART has no clock, so the timeout is immediate.
    fn char_timeout(&self) -> bool {
        self.fifo_enabled() && !self.rx_fifo.is_empty() && self.rx_fifo.len() < self.rx_trigger
    }

    /// The receiver can take another host byte (QEMU's `serial_can_receive`).
    fn rx_has_room(&self) -> bool {
        if !self.rx_open {
            return false;
        }
        if self.fifo_enabled() {
            // QEMU offers `trigger - len` bytes below the trigger level, one
            // above it, and none at exactly the trigger level.
            self.rx_fifo.len() < RX_FIFO_LEN && self.rx_fifo.len() != self.rx_trigger
        } else {
            self.lsr & LSR_DR == 0
        }
    }

    /// Moves queued host bytes into the receiver while it has room.
    fn accept_input(&mut self) {
        while self.rx_has_room() {
            let Some(byte) = self.host_input.pop_front() else { break };
            self.receive(byte);
        }
    }

    /// One byte arrives at the receiver (QEMU's `serial_receive1`).
    fn receive(&mut self, byte: u8) {
        if self.fifo_enabled() {
            // An overrun keeps the FIFO's contents.
            if self.rx_fifo.len() < RX_FIFO_LEN {
                self.rx_fifo.push_back(byte);
            } else {
                self.lsr |= LSR_OE;
            }
        } else {
            if self.lsr & LSR_DR != 0 {
                self.lsr |= LSR_OE;
            }
            self.rbr = byte;
        }
        self.lsr |= LSR_DR;
        self.update_irq();
    }

    /// The transmitter sends `byte`: to the host, or back to the receiver in
    /// loopback mode.
    fn transmit(&mut self, byte: u8) {
        if self.mcr & MCR_LOOP != 0 {
            self.receive(byte);
            return;
        }
        let _ = self.out.write_all(&[byte]);
        if byte == b'\n' {
            self.flush();
        }
    }

    fn read_rbr(&mut self) -> u8 {
        let byte = if self.fifo_enabled() {
            let byte = self.rx_fifo.pop_front().unwrap_or(0);
            if self.rx_fifo.is_empty() {
                self.lsr &= !(LSR_DR | LSR_BI);
            }
            byte
        } else {
            self.lsr &= !(LSR_DR | LSR_BI);
            self.rbr
        };
        self.update_irq();
        self.accept_input();
        byte
    }

    /// Reading IIR acknowledges a THR-empty interrupt it reports.
    fn read_iir(&mut self) -> u8 {
        let iir = self.iir;
        if iir & IIR_ID_MASK == IIR_THRE {
            self.thr_ipending = false;
            self.update_irq();
        }
        iir
    }

    /// Reading LSR clears the break and overrun indications.
    fn read_lsr(&mut self) -> u8 {
        self.open_receiver();
        let lsr = self.lsr;
        if lsr & (LSR_BI | LSR_OE) != 0 {
            self.lsr &= !(LSR_BI | LSR_OE);
            self.update_irq();
        }
        lsr
    }

    /// In loopback mode the modem control outputs drive the status inputs:
    /// DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
    fn msr(&self) -> u8 {
        if self.mcr & MCR_LOOP == 0 {
            return MSR_DCD | MSR_DSR | MSR_CTS;
        }
        let mut msr = 0;
        for (out, status) in [(MCR_DTR, MSR_DSR), (MCR_RTS, MSR_CTS), (MCR_OUT1, MSR_RI), (MCR_OUT2, MSR_DCD)] {
            if self.mcr & out != 0 {
                msr |= status;
            }
        }
        msr
    }

    fn write_thr(&mut self, byte: u8) {
        self.thr_ipending = false;
        self.lsr &= !(LSR_THRE | LSR_TEMT);
        self.update_irq();
        self.transmit(byte);
        self.lsr |= LSR_THRE | LSR_TEMT;
        self.thr_ipending = true;
        self.update_irq();
    }

    /// Turning ETBEI on while THR is empty raises the THR-empty interrupt even
    /// if an IIR read had acknowledged it; rewriting the same IER does nothing.
    fn write_ier(&mut self, value: u8) {
        self.open_receiver();
        let changed = (self.ier ^ value) & IER_MASK;
        self.ier = value & IER_MASK;
        if changed & IER_ETBEI != 0 {
            self.thr_ipending = self.ier & IER_ETBEI != 0 && self.lsr & LSR_THRE != 0;
        }
        if changed != 0 {
            self.update_irq();
        }
    }

    /// Switching the FIFOs on or off resets both of them.
    fn write_fcr(&mut self, value: u8) {
        let mut value = value;
        if (value ^ self.fcr) & FCR_FIFO_ENABLE != 0 {
            value |= FCR_RCVR_RESET | FCR_XMIT_RESET;
        }
        if value & FCR_RCVR_RESET != 0 {
            self.lsr &= !(LSR_DR | LSR_BI);
            self.rx_fifo.clear();
        }
        if value & FCR_XMIT_RESET != 0 {
            self.lsr |= LSR_THRE;
            self.thr_ipending = true;
        }
        self.fcr = value & FCR_STICKY;
        if self.fifo_enabled() {
            self.iir |= IIR_FIFOS_ENABLED;
            self.rx_trigger = match value >> 6 {
                0 => 1,
                1 => 4,
                2 => 8,
                _ => 14,
            };
        } else {
            self.iir &= !IIR_FIFOS_ENABLED;
        }
        self.rx_open = true;
        self.update_irq();
        self.accept_input();
    }

    /// Lets host input flow once the driver looks at the receiver.
    fn open_receiver(&mut self) {
        if !self.rx_open {
            self.rx_open = true;
            self.accept_input();
        }
    }

    fn read_reg(&mut self, reg: u64) -> u8 {
        match reg {
            RBR_THR_DLL if self.dlab() => self.divisor.to_le_bytes()[0],
            RBR_THR_DLL => self.read_rbr(),
            IER_DLM if self.dlab() => self.divisor.to_le_bytes()[1],
            IER_DLM => self.ier,
            IIR_FCR => self.read_iir(),
            LCR => self.lcr,
            MCR => self.mcr,
            LSR => self.read_lsr(),
            MSR => self.msr(),
            _ => self.scr,
        }
    }

    fn write_reg(&mut self, reg: u64, value: u8) {
        match reg {
            RBR_THR_DLL if self.dlab() => self.divisor = (self.divisor & 0xff00) | u16::from(value),
            RBR_THR_DLL => self.write_thr(value),
            IER_DLM if self.dlab() => self.divisor = (self.divisor & 0x00ff) | (u16::from(value) << 8),
            IER_DLM => self.write_ier(value),
            IIR_FCR => self.write_fcr(value),
            LCR => self.lcr = value,
            MCR => self.mcr = value & MCR_MASK,
            SCR => self.scr = value,
            // LSR and MSR are read-only.
            _ => {}
        }
    }
}

/// The register an access reaches: any size of 1 to 8 bytes, naturally
/// aligned, inside the 8-byte region.
fn register(offset: u64, size: u8) -> Option<u64> {
    let ok = matches!(size, 1 | 2 | 4 | 8) && offset < REGION_SIZE && offset.is_multiple_of(u64::from(size));
    ok.then_some(offset)
}

impl Mmio for Uart {
    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        let reg = register(offset, size)?;
        Some(u64::from(self.read_reg(reg)))
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) -> Option<()> {
        let reg = register(offset, size)?;
        self.write_reg(reg, value.to_le_bytes()[0]);
        Some(())
    }
}

/// A console that keeps what the guest writes, for hosts that read it back
/// (tests, `sv39 conformance`); clones share one buffer.
#[derive(Clone, Default)]
pub struct MemoryConsole(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl MemoryConsole {
    /// Everything written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }

    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for MemoryConsole {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uart() -> (Uart, MemoryConsole) {
        let sink = MemoryConsole::default();
        (Uart::new(Box::new(sink.clone())), sink)
    }

    fn rd(u: &mut Uart, reg: u64) -> u64 {
        u.read(reg, 1).unwrap()
    }

    fn wr(u: &mut Uart, reg: u64, value: u64) {
        u.write(reg, 1, value).unwrap();
    }

    #[test]
    fn reset_values_match_qemu() {
        let (mut u, _) = uart();
        assert_eq!(rd(&mut u, LSR), 0x60);
        assert_eq!(rd(&mut u, MSR), 0xb0);
        assert_eq!(rd(&mut u, IIR_FCR), 0x01);
        assert_eq!(rd(&mut u, MCR), 0x08);
        for reg in [IER_DLM, LCR, SCR, RBR_THR_DLL] {
            assert_eq!(rd(&mut u, reg), 0, "register {reg}");
        }
        assert!(!u.irq());
    }

    #[test]
    fn access_sizes_reach_one_register_low_byte() {
        let (mut u, _) = uart();
        assert_eq!(u.read(MCR, 4), Some(0x08));
        assert_eq!(u.read(MSR, 2), Some(0xb0));
        assert_eq!(u.read(0, 8), Some(0));
        u.write(SCR, 1, 0x1_2345).unwrap();
        assert_eq!(rd(&mut u, SCR), 0x45);
        u.write(0, 8, 0x1203).unwrap(); // THR gets 0x03
        assert_eq!(u.read(LCR, 1), Some(0));
        assert_eq!(u.read(8, 1), None);
        assert_eq!(u.read(0xfc, 4), None);
        assert_eq!(u.read(1, 2), None);
        assert_eq!(u.read(4, 8), None);
        assert_eq!(u.write(3, 3, 0), None);
        assert_eq!(u.write(u64::MAX, 1, 0), None);
    }

    #[test]
    fn dlab_selects_divisor_latch() {
        let (mut u, _) = uart();
        wr(&mut u, LCR, 0x80);
        assert_eq!(rd(&mut u, RBR_THR_DLL), 0x0c);
        assert_eq!(rd(&mut u, IER_DLM), 0x00);
        wr(&mut u, RBR_THR_DLL, 0x34);
        wr(&mut u, IER_DLM, 0x12);
        assert_eq!(rd(&mut u, RBR_THR_DLL), 0x34);
        assert_eq!(rd(&mut u, IER_DLM), 0x12);
        assert_eq!(rd(&mut u, LCR), 0x80);
        wr(&mut u, LCR, 0x03);
        // IER was not touched by the DLM write; THR writes transmit again.
        assert_eq!(rd(&mut u, IER_DLM), 0);
        wr(&mut u, RBR_THR_DLL, b'x'.into());
        u.flush();
    }

    #[test]
    fn transmit_is_instant_and_buffered_until_newline() {
        let (mut u, sink) = uart();
        for b in b"hi" {
            wr(&mut u, RBR_THR_DLL, (*b).into());
            assert_eq!(rd(&mut u, LSR) & 0x60, 0x60);
        }
        assert!(sink.bytes().is_empty());
        wr(&mut u, RBR_THR_DLL, b'\n'.into());
        assert_eq!(sink.bytes().as_slice(), b"hi\n");
        wr(&mut u, RBR_THR_DLL, b'!'.into());
        u.flush();
        assert_eq!(sink.bytes().as_slice(), b"hi\n!");
    }

    #[test]
    fn thr_empty_interrupt_is_edge_like() {
        let (mut u, _) = uart();
        wr(&mut u, IER_DLM, 0xff);
        assert_eq!(rd(&mut u, IER_DLM), 0x0f);
        assert!(u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0x02);
        // The IIR read that reported it acknowledged it.
        assert!(!u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0x01);
        // Rewriting the same IER does not raise it again.
        wr(&mut u, IER_DLM, 0x0f);
        assert!(!u.irq());
        // Turning ETBEI off and on does.
        wr(&mut u, IER_DLM, 0x00);
        wr(&mut u, IER_DLM, 0x02);
        assert!(u.irq());
        // A THR write empties THR again at once: pending again.
        assert_eq!(rd(&mut u, IIR_FCR), 0x02);
        wr(&mut u, RBR_THR_DLL, b'a'.into());
        assert!(u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0x02);
    }

    #[test]
    fn line_updates_follow_qemu_serial_update_irq() {
        let (mut u, _) = uart();
        assert_eq!(u.take_irq_update(), None);
        wr(&mut u, IER_DLM, 0x02);
        assert_eq!(u.take_irq_update(), Some(true));
        // Reads of LSR, SCR, LCR do not drive the line.
        rd(&mut u, LSR);
        rd(&mut u, SCR);
        wr(&mut u, LCR, 0x03);
        assert_eq!(u.take_irq_update(), None);
        // An RBR read drives it even though nothing changed.
        rd(&mut u, RBR_THR_DLL);
        assert_eq!(u.take_irq_update(), Some(true));
        rd(&mut u, IIR_FCR);
        assert_eq!(u.take_irq_update(), Some(false));
        assert_eq!(u.take_irq_update(), None);
    }

    #[test]
    fn fcr_enables_fifos_and_resets_transmitter() {
        let (mut u, _) = uart();
        wr(&mut u, IER_DLM, 0x02);
        rd(&mut u, IIR_FCR);
        wr(&mut u, IIR_FCR, 0x07);
        assert_eq!(rd(&mut u, IIR_FCR), 0xc2);
        assert_eq!(rd(&mut u, IIR_FCR), 0xc1);
        // The same value again still resets the transmitter.
        wr(&mut u, IIR_FCR, 0x07);
        assert_eq!(rd(&mut u, IIR_FCR), 0xc2);
        wr(&mut u, IIR_FCR, 0xc1);
        assert_eq!(rd(&mut u, IIR_FCR), 0xc1);
        // Turning FIFOs off resets both.
        wr(&mut u, IIR_FCR, 0x00);
        assert_eq!(rd(&mut u, IIR_FCR), 0x02);
    }

    #[test]
    fn receive_without_fifo_holds_one_byte() {
        let (mut u, _) = uart();
        wr(&mut u, IER_DLM, 0x01);
        assert!(!u.irq());
        for b in b"abc" {
            u.push_input(*b);
        }
        assert!(u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0x04);
        assert_eq!(rd(&mut u, LSR), 0x61);
        let got: Vec<u64> = (0..3).map(|_| rd(&mut u, RBR_THR_DLL)).collect();
        assert_eq!(got, [b'a', b'b', b'c'].map(u64::from));
        assert_eq!(rd(&mut u, LSR), 0x60);
        assert!(!u.irq());
        // RBR keeps its last byte.
        assert_eq!(rd(&mut u, RBR_THR_DLL), u64::from(b'c'));
    }

    /// Piped input arrives before the driver starts; the driver's FIFO reset
    /// must not eat its first byte.
    #[test]
    fn host_input_waits_for_the_driver() {
        let (mut u, _) = uart();
        for b in b"echo" {
            u.push_input(*b);
        }
        assert_eq!(u.lsr & LSR_DR, 0, "nothing received before the driver looks");
        wr(&mut u, IIR_FCR, 0x07); // FIFOs on, both reset
        wr(&mut u, IER_DLM, 0x01);
        let got: Vec<u64> = (0..4).map(|_| rd(&mut u, RBR_THR_DLL)).collect();
        assert_eq!(got, b"echo".map(u64::from));
        // A polling driver opens the receiver by reading LSR.
        let (mut u, _) = uart();
        u.push_input(b'x');
        assert_eq!(rd(&mut u, LSR) & u64::from(LSR_DR), u64::from(LSR_DR));
        assert_eq!(rd(&mut u, RBR_THR_DLL), u64::from(b'x'));
    }

    #[test]
    fn receive_fifo_fills_to_trigger_level() {
        let (mut u, _) = uart();
        wr(&mut u, IIR_FCR, 0xc7); // FIFOs on, trigger at 14 bytes
        wr(&mut u, IER_DLM, 0x01);
        for b in 0..20u8 {
            u.push_input(b);
        }
        assert_eq!(u.rx_fifo.len(), 14);
        assert_eq!(rd(&mut u, IIR_FCR), 0xc4);
        // Each read refills from the host queue; order is kept.
        for b in 0..20u64 {
            assert_eq!(rd(&mut u, RBR_THR_DLL), b);
        }
        assert_eq!(rd(&mut u, LSR) & u64::from(LSR_DR), 0);
        assert_eq!(rd(&mut u, RBR_THR_DLL), 0);
        assert!(!u.irq());
    }

    #[test]
    fn bytes_below_trigger_level_time_out_at_once() {
        let (mut u, _) = uart();
        wr(&mut u, IIR_FCR, 0x81); // trigger at 8 bytes
        wr(&mut u, IER_DLM, 0x01);
        u.push_input(b'x');
        assert!(u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0xcc);
        assert_eq!(rd(&mut u, RBR_THR_DLL), u64::from(b'x'));
        assert_eq!(rd(&mut u, IIR_FCR), 0xc1);
        // At a trigger level of 1 byte, one byte is data available.
        wr(&mut u, IIR_FCR, 0x01);
        u.push_input(b'y');
        assert_eq!(rd(&mut u, IIR_FCR), 0xc4);
    }

    #[test]
    fn receive_interrupt_needs_erbfi() {
        let (mut u, _) = uart();
        u.push_input(b'q');
        assert!(!u.irq());
        assert_eq!(rd(&mut u, LSR), 0x61);
        wr(&mut u, IER_DLM, 0x01);
        assert!(u.irq());
    }

    #[test]
    fn loopback_routes_thr_to_rbr_and_mcr_to_msr() {
        let (mut u, sink) = uart();
        wr(&mut u, MCR, 0xff);
        assert_eq!(rd(&mut u, MCR), 0x1f);
        assert_eq!(rd(&mut u, MSR), 0xf0);
        wr(&mut u, MCR, 0x10);
        assert_eq!(rd(&mut u, MSR), 0x00);
        wr(&mut u, IER_DLM, 0x02);
        wr(&mut u, RBR_THR_DLL, 0x41);
        assert_eq!(rd(&mut u, LSR), 0x61);
        assert_eq!(rd(&mut u, IIR_FCR), 0x02);
        assert_eq!(rd(&mut u, RBR_THR_DLL), 0x41);
        assert_eq!(rd(&mut u, LSR), 0x60);
        u.flush();
        assert!(sink.bytes().is_empty());
    }

    #[test]
    fn overrun_sets_and_lsr_read_clears_oe() {
        let (mut u, _) = uart();
        wr(&mut u, MCR, MCR_LOOP.into());
        wr(&mut u, IER_DLM, u64::from(IER_ELSI));
        wr(&mut u, RBR_THR_DLL, 1);
        wr(&mut u, RBR_THR_DLL, 2);
        assert!(u.irq());
        assert_eq!(rd(&mut u, IIR_FCR), 0x06);
        assert_eq!(rd(&mut u, LSR), 0x63);
        assert!(!u.irq());
        assert_eq!(rd(&mut u, LSR), 0x61);
        assert_eq!(rd(&mut u, RBR_THR_DLL), 2);
    }

    #[test]
    fn lsr_and_msr_writes_are_ignored() {
        let (mut u, _) = uart();
        wr(&mut u, LSR, 0xff);
        wr(&mut u, MSR, 0xff);
        assert_eq!(rd(&mut u, LSR), 0x60);
        assert_eq!(rd(&mut u, MSR), 0xb0);
    }

    #[test]
    fn any_guest_access_is_safe() {
        let (mut u, _) = uart();
        for offset in 0..16 {
            for size in [1, 2, 4, 8] {
                for value in [0, 0xff, 0x80, u64::MAX] {
                    let _ = u.write(offset, size, value);
                    let _ = u.read(offset, size);
                    u.push_input(value as u8);
                }
            }
        }
    }
}
