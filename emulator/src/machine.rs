//! The machine: harts sharing one bus, run round-robin on one host thread.
//!
//! Each round every hart runs up to a quantum of instructions, never past the
//! next timer deadline, so interrupts arrive at the same instruction on every
//! run. Between rounds the machine serves devices (console input, the test
//! finisher, HTIF) and, when every hart waits in WFI, skips ahead to the next
//! timer instead of spinning. With several harts, reservations are dropped at
//! each switch so an SC never succeeds across another hart's stores.

use crate::board::{self, dtb};
use crate::bus::{Bus, Clock};
use crate::devices::test_finisher::Finish;
use crate::devices::virtio::{console::Console, mmio::VirtioMmio};
use crate::gdb::Stops;
use crate::hart::Hart;
use crate::inspect::Inspector;
use crate::loader::elf::Image;
use crate::loader::htif::{self, Htif};
use crate::mmu::walk::AdPolicy;
use crate::mmu::Mmu;
use crate::trace::Tracer;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;
use sv39_arch::csr::Priv;
use sv39_arch::memmap::{MROM_BASE, RAM_BASE};

/// Instructions per `mtime` tick in deterministic mode: with the 10 MHz
/// timebase the guest sees a 100 MIPS machine.
pub const INSNS_PER_TICK: u64 = 10;

#[derive(Clone, Debug)]
pub struct Config {
    pub harts: usize,
    pub ram_size: u64,
    pub ad: AdPolicy,
    pub strict_tlb: bool,
    pub realtime: bool,
    pub bootargs: Option<String>,
    /// An initramfs, placed in RAM as QEMU places `-initrd`.
    pub initrd: Option<Vec<u8>>,
    /// `/chosen/rng-seed` of the device tree (the guest kernel's RNG seed).
    pub rng_seed: Option<Vec<u8>>,
    /// Virtio block devices, from the first virtio-mmio slot on.
    pub disks: Vec<board::Disk>,
    /// The legacy (version 1) virtio-mmio interface instead of version 2.
    pub virtio_legacy: bool,
    /// Host directories shared over virtio-9p, on the slots after the disks.
    pub shares: Vec<board::Share>,
}

impl Config {
    /// One hart with `ram_size` bytes of RAM, A/D bits as `ad`, and nothing
    /// else: no devices attached, no command line, no initramfs.
    pub fn bare(ram_size: u64, ad: AdPolicy) -> Config {
        Config {
            harts: 1,
            ram_size,
            ad,
            strict_tlb: false,
            realtime: false,
            bootargs: None,
            initrd: None,
            rng_seed: None,
            disks: Vec::new(),
            virtio_legacy: false,
            shares: Vec::new(),
        }
    }
}

/// How the harts leave reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// At the image's entry with a0 = mhartid, a1 = the device tree
    /// (`--bios none`).
    Entry,
    /// At the MROM's reset vector, as QEMU does with a firmware: it jumps to
    /// the image's entry with a2 = OpenSBI's fw_dynamic_info, which names
    /// `kernel` as the next stage (0 without one).
    Firmware { kernel: Option<u64> },
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Pass,
    /// The guest reported failure with this code (finisher or HTIF).
    Fail(u64),
    /// `--max-insns` reached.
    InstructionLimit,
    /// Every hart waits for an interrupt that nothing can raise.
    Deadlock,
    /// A debugger killed the machine (`kill` in GDB).
    Killed,
    /// `--stop-at-user`: this hart is about to run its first U-mode
    /// instruction.
    UserEntered {
        hart: usize,
    },
}

pub struct Machine {
    pub harts: Vec<Hart>,
    pub bus: Bus,
    image: Image,
    start: Start,
    dtb: Vec<u8>,
    dtb_addr: u64,
    /// The initrd and its address.
    initrd: Option<(u64, Vec<u8>)>,
    input: Option<Receiver<u8>>,
    /// The virtio-mmio slot of the console that takes host input instead of the UART.
    console: Option<usize>,
    tracer: Option<Tracer>,
    /// Reads page tables for `--dump-pagetable` and `--dump-vm`.
    inspector: Option<Inspector>,
    /// A debugger's breakpoints and watchpoints (`--gdb`, while attached).
    pub(crate) stops: Option<Stops>,
    /// End the run when a hart enters U-mode (`--stop-at-user`).
    stop_at_user: bool,
}

impl Machine {
    /// Builds a virt board with `image` loaded and the harts at its entry point.
    pub fn new(cfg: &Config, image: Image, console: Box<dyn std::io::Write + Send>) -> Result<Machine, String> {
        Machine::boot(cfg, image, Start::Entry, console)
    }

    /// Builds a virt board with `image` loaded, the harts leaving reset as
    /// `start` says.
    pub fn boot(
        cfg: &Config,
        image: Image,
        start: Start,
        console: Box<dyn std::io::Write + Send>,
    ) -> Result<Machine, String> {
        image.check_fits(RAM_BASE, RAM_BASE + cfg.ram_size).map_err(|e| e.to_string())?;
        let clock = if cfg.realtime {
            Clock::Realtime { start: std::time::Instant::now() }
        } else {
            Clock::Instructions { per_tick: INSNS_PER_TICK }
        };
        let mut bus = board::build_bus(cfg.harts, cfg.ram_size, clock, console)
            .map_err(|e| format!("cannot reserve {} bytes of guest RAM: {e}", cfg.ram_size))?;
        board::attach_disks(&mut bus, &cfg.disks, cfg.virtio_legacy)?;
        board::attach_shares(&mut bus, cfg.disks.len(), &cfg.shares, cfg.virtio_legacy)?;
        let initrd = cfg.initrd.clone().map(|data| {
            let lowest = image.segments.iter().map(|s| s.pa).min().unwrap_or(RAM_BASE);
            let kernel_base = match start {
                Start::Firmware { kernel: Some(k) } => k,
                _ => lowest,
            };
            (board::initrd_address(kernel_base, cfg.ram_size), data)
        });
        let dtb = dtb::build(&dtb::DtbConfig {
            harts: cfg.harts,
            ram_base: RAM_BASE,
            ram_size: cfg.ram_size,
            isa: board::ISA.to_string(),
            mmu_type: "riscv,sv39",
            bootargs: cfg.bootargs.clone(),
            initrd: initrd.as_ref().map(|(start, data)| (*start, start + data.len() as u64)),
            rng_seed: cfg.rng_seed.clone(),
            sstc: true,
        })
        .map_err(|e| format!("cannot build the device tree: {e:?}"))?;
        let dtb_addr = board::dtb_address(cfg.ram_size, dtb.len() as u64);
        if let Some((start, data)) = &initrd {
            if start + data.len() as u64 > dtb_addr {
                let len = data.len();
                return Err(format!(
                    "the initrd ({len} bytes at {start:#x}) does not fit below the device tree at {dtb_addr:#x}: \
                     give the machine more RAM (--mem)"
                ));
            }
        }
        if let Some(tohost) = image.tohost {
            bus.htif = Some(Htif { tohost, fromhost: image.fromhost });
            if let Some(page) = bus.ram_page(tohost) {
                bus.code.watch(page);
            }
        }
        let harts = (0..cfg.harts).map(|id| Hart::new(id, Mmu::new(cfg.ad, cfg.strict_tlb))).collect();
        let mut m = Machine {
            harts,
            bus,
            image,
            start,
            dtb,
            dtb_addr,
            initrd,
            input: None,
            console: None,
            tracer: None,
            stops: None,
            inspector: None,
            stop_at_user: false,
        };
        m.reset();
        Ok(m)
    }

    /// Loads the image, the device tree and the initrd and resets every hart, as QEMU's
    /// system reset does (RAM is otherwise kept).
    fn reset(&mut self) {
        for s in &self.image.segments {
            self.bus.ram.write_bytes(s.pa, &s.data);
            let zeros = vec![0u8; (s.memsz - s.data.len() as u64) as usize];
            self.bus.ram.write_bytes(s.pa + s.data.len() as u64, &zeros);
        }
        self.bus.ram.write_bytes(self.dtb_addr, &self.dtb);
        if let Some((start, data)) = &self.initrd {
            self.bus.ram.write_bytes(*start, data);
        }
        self.bus.code.clear();
        let next = match self.start {
            Start::Firmware { kernel } => kernel.unwrap_or(0),
            Start::Entry => 0,
        };
        let rom = board::rom::reset_vector(self.image.entry, self.dtb_addr, next);
        self.bus.mrom.flash(&rom).expect("the reset vector fits the MROM");
        let pc = match self.start {
            Start::Entry => self.image.entry,
            Start::Firmware { .. } => MROM_BASE,
        };
        for h in &mut self.harts {
            h.reset(pc, self.dtb_addr);
        }
    }

    /// The flattened device tree the harts find in a1.
    pub fn dtb(&self) -> &[u8] {
        &self.dtb
    }

    /// Puts `console` on the last virtio-mmio slot, where QEMU puts its
    /// first `-device`; host input goes to its port 0 from then on.
    pub fn attach_console(&mut self, console: Console, legacy: bool) -> Result<(), String> {
        let slot = self.bus.virtio.len() - 1;
        if self.bus.virtio[slot].has_device() {
            return Err(format!("the console needs the last virtio-mmio slot: at most {slot} drives and shares"));
        }
        self.bus.virtio[slot] = VirtioMmio::new(Box::new(console), legacy);
        self.console = Some(slot);
        Ok(())
    }

    /// Feeds console input from `input` to the UART, or the virtio console.
    pub fn connect_input(&mut self, input: Receiver<u8>) {
        self.input = Some(input);
    }

    /// Runs until the guest passes or fails, or `max_insns` instructions of hart
    /// 0 have executed.
    pub fn run(&mut self, max_insns: Option<u64>) -> Exit {
        let limit = max_insns.unwrap_or(u64::MAX);
        loop {
            if let Some(exit) = self.round(limit) {
                return exit;
            }
        }
    }

    /// One round: each hart runs up to a quantum of instructions (all stop at
    /// once when one reaches a debugger's breakpoint or watchpoint), then the
    /// devices are served; Some when the run ends (`limit`: hart 0's cycle).
    pub(crate) fn round(&mut self, limit: u64) -> Option<Exit> {
        let quantum: u64 = if self.harts.len() > 1 { 1_000 } else { 100_000 };
        let now = self.harts[0].cycle;
        if now >= limit {
            return Some(Exit::InstructionLimit);
        }
        let end = (now + quantum).min(limit);
        let mut busy = false;
        for i in 0..self.harts.len() {
            match self.run_hart(i, end) {
                Ok(ran) => busy |= ran,
                Err(exit) => return Some(exit),
            }
            if self.halted() {
                return None;
            }
        }
        if let Some(exit) = self.check_exit() {
            return Some(exit);
        }
        self.serve_input();
        if !busy {
            return self.idle();
        }
        None
    }

    /// Hart `i` alone runs up to `n` instructions, the others held (a
    /// debugger's step, or a continue of one thread). While it waits in WFI,
    /// time moves on as when idle; Ok(false) when nothing can wake it.
    pub(crate) fn run_alone(&mut self, i: usize, n: u64) -> Result<bool, Exit> {
        loop {
            if self.run_hart(i, self.harts[i].cycle + n)? || self.halted() {
                return Ok(true);
            }
            self.serve_input();
            if self.idle().is_some() {
                return Ok(false);
            }
        }
    }

    /// Whether a debugger's breakpoint or watchpoint holds the harts.
    fn halted(&self) -> bool {
        self.stops.as_ref().is_some_and(Stops::halted)
    }

    /// Runs hart `i` up to cycle `end`, stopping at each of its timer deadlines
    /// to take the interrupt on time; Ok(false) when it only waited in WFI.
    fn run_hart(&mut self, i: usize, end: u64) -> Result<bool, Exit> {
        let mut ran = false;
        while self.harts[i].cycle < end {
            let (h, bus) = (&mut self.harts[i], &mut self.bus);
            if bus.device_due().is_some() {
                let now = h.mtime(bus);
                bus.serve_devices(now);
            }
            h.sync_interrupts(bus);
            if h.wfi {
                if !h.wakeup_pending() {
                    // Sleep to the next timer or device completion, which may wake it.
                    let wake = deadline(h, bus).map_or(end, |d| d.clamp(h.cycle + 1, end));
                    h.idle_until(wake);
                    if wake < end {
                        continue;
                    }
                    break;
                }
                h.wfi = false;
            }
            h.take_interrupt();
            let mut stop = deadline(h, bus).map_or(end, |d| d.clamp(h.cycle + 1, end));
            if let Some(s) = &mut self.stops {
                if s.check(h, bus) {
                    break;
                }
                stop = s.batch_end(h, stop);
            }
            bus.event = false;
            match &mut self.tracer {
                Some(t) if t.wants_steps(h) => {
                    let before = t.before_step(h, bus);
                    h.run(bus, h.cycle + 1);
                    t.after_step(h, bus, &before);
                }
                Some(t) => {
                    h.run(bus, t.batch_end(h, stop));
                }
                None => {
                    h.run(bus, stop);
                }
            }
            if let Some(v) = &mut self.inspector {
                v.after_batch(h, bus);
            }
            match &mut self.tracer {
                Some(t) => {
                    t.drain(h, bus);
                    t.drain_devices(bus);
                }
                None => h.events.iter_mut().for_each(Vec::clear),
            }
            ran = true;
            // xRET ends the batch, so a hart now in U-mode has run no U-mode
            // instruction yet.
            if self.stop_at_user && self.harts[i].prv == Priv::U {
                return Err(Exit::UserEntered { hart: i });
            }
            if self.bus.event {
                if let Some(exit) = self.check_exit() {
                    return Err(exit);
                }
            }
        }
        if self.harts.len() > 1 {
            self.harts[i].reservation = None;
        }
        Ok(ran)
    }

    /// The test finisher and HTIF: did the guest ask to stop or reset?
    fn check_exit(&mut self) -> Option<Exit> {
        match self.bus.finisher.take() {
            Some(Finish::Pass) => return Some(Exit::Pass),
            Some(Finish::Fail(code)) => return Some(Exit::Fail(code as u64)),
            Some(Finish::Reset) => self.reset(),
            None => {}
        }
        match htif::poll(&mut self.bus) {
            Some(0) => Some(Exit::Pass),
            Some(code) => Some(Exit::Fail(code)),
            None => None,
        }
    }

    /// Every hart waits in WFI: skip to the earliest timer deadline, or wait
    /// for console input; with neither, nothing can ever wake the machine.
    fn idle(&mut self) -> Option<Exit> {
        let next = self.harts.iter().filter_map(|h| deadline(h, &mut self.bus)).min();
        match (next, self.bus.clock) {
            (Some(d), Clock::Instructions { .. }) => {
                self.harts.iter_mut().for_each(|h| h.idle_until(d));
                return None;
            }
            (_, Clock::Realtime { .. })
                if next.is_some() || self.input.is_some() || self.bus.device_due().is_some() =>
            {
                std::thread::sleep(Duration::from_millis(1));
                return None;
            }
            _ => {}
        }
        // No timer and no console input left: nothing can ever wake a hart.
        let Some(input) = self.input.as_ref() else { return Some(Exit::Deadlock) };
        match input.recv_timeout(Duration::from_millis(50)) {
            Ok(byte) => {
                self.push_input(byte);
                self.bus.forward_uart_irq();
                None
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.end_input();
                // The console has the end of input to tell.
                self.bus.device_due().is_none().then_some(Exit::Deadlock)
            }
        }
    }

    /// One byte of host input to the UART or the console's port 0.
    fn push_input(&mut self, byte: u8) {
        let Some(slot) = self.console else { return self.bus.uart.push_input(byte) };
        if let Some(c) = self.bus.virtio[slot].device_mut::<Console>() {
            c.push_input(0, &[byte]);
        }
        self.bus.virtio[slot].wake();
    }

    /// Host input has ended: the console tells the guest (the UART cannot).
    fn end_input(&mut self) {
        self.input = None;
        let Some(slot) = self.console else { return };
        if let Some(c) = self.bus.virtio[slot].device_mut::<Console>() {
            c.close_input(0);
        }
        self.bus.virtio[slot].wake();
    }

    /// Hands waiting console input to the UART (which queues what its FIFO
    /// cannot take yet).
    fn serve_input(&mut self) {
        while let Some(input) = &self.input {
            match input.try_recv() {
                Ok(byte) => self.push_input(byte),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.end_input(),
            }
        }
        self.bus.forward_uart_irq();
    }

    /// Ends the run when a hart is about to run its first U-mode
    /// instruction (the cost: one compare per batch).
    pub fn set_stop_at_user(&mut self, on: bool) {
        self.stop_at_user = on;
    }

    /// Runs the harts on `engine` (the interpreter unless set).
    pub fn set_engine(&mut self, engine: crate::jit::Engine) {
        self.harts.iter_mut().for_each(|h| h.set_engine(engine));
    }

    /// Makes the translator translate a block once reached `n` times.
    pub fn set_jit_hot_after(&mut self, n: u8) {
        self.harts.iter_mut().for_each(|h| h.set_jit_hot_after(n));
    }

    /// Traces the run as `tracer` says.
    pub fn set_tracer(&mut self, tracer: Tracer) {
        self.harts.iter_mut().for_each(|h| tracer.observe(h));
        tracer.observe_devices(&mut self.bus);
        self.tracer = Some(tracer);
    }

    /// Reads page tables as `inspector` says (see `crate::inspect`).
    pub fn set_inspector(&mut self, inspector: Inspector) {
        self.harts.iter_mut().for_each(|h| inspector.observe(h));
        self.inspector = Some(inspector);
    }

    /// The inspector, for its readings at exit.
    pub fn take_inspector(&mut self) -> Option<Inspector> {
        self.inspector.take()
    }

    /// Flushes console and trace output.
    pub fn finish(&mut self) {
        if let Some(t) = &mut self.tracer {
            t.flush();
        }
        self.bus.uart.flush();
        if let Some(c) = self.console.and_then(|slot| self.bus.virtio[slot].device_mut::<Console>()) {
            c.flush();
        }
    }
}

/// The cycle at which hart `h`'s next timer fires or a device has work, if
/// one lies in the future (deterministic clock only).
fn deadline(h: &Hart, bus: &mut Bus) -> Option<u64> {
    let Clock::Instructions { per_tick } = bus.clock else { return None };
    let now = h.mtime(bus);
    let next = h.next_timer(bus, now).into_iter().chain(bus.device_due()).min()?;
    let ticks = next.saturating_sub(now);
    let into_tick = h.cycle % per_tick;
    Some(h.cycle.saturating_add(ticks.saturating_mul(per_tick)).saturating_sub(into_tick))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::rom::{FW_DYNAMIC_MAGIC, FW_DYNAMIC_OFFSET};
    use crate::loader::elf::Segment;
    use sv39_arch::memmap::MROM_BASE;

    fn config(harts: usize) -> Config {
        Config { harts, initrd: Some(vec![0xa5; 5000]), ..Config::bare(256 << 20, AdPolicy::Update) }
    }

    /// A firmware of one `wfi` at the start of RAM.
    fn firmware() -> Image {
        let wfi = 0x1050_0073u32.to_le_bytes().to_vec();
        Image {
            entry: RAM_BASE,
            segments: vec![Segment { pa: RAM_BASE, data: wfi, memsz: 4 }],
            tohost: None,
            fromhost: None,
        }
    }

    #[test]
    fn the_reset_vector_hands_over_as_qemus_does() {
        let start = Start::Firmware { kernel: Some(0x8020_0000) };
        let mut m = Machine::boot(&config(2), firmware(), start, Box::new(std::io::sink())).unwrap();
        assert_eq!(m.harts[1].pc, MROM_BASE);
        // Six instructions of the vector on each hart.
        assert_eq!(m.run(Some(6)), Exit::InstructionLimit);
        for (id, h) in m.harts.iter().enumerate() {
            assert_eq!(
                (h.pc, h.x[10], h.x[11], h.x[12]),
                (RAM_BASE, id as u64, m.dtb_addr, MROM_BASE + FW_DYNAMIC_OFFSET)
            );
        }
        let mut info = |i: u64| m.bus.read(MROM_BASE + FW_DYNAMIC_OFFSET + 8 * i, 8);
        assert_eq!((info(0), info(2)), (Some(FW_DYNAMIC_MAGIC), Some(0x8020_0000)));
        // The initrd goes by the kernel, not the firmware (QEMU: 0x8820_0000 with 256 MiB).
        assert_eq!(m.initrd.as_ref().map(|(at, _)| *at), Some(0x8820_0000));
    }
}
