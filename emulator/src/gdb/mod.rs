//! `--gdb PORT`: the GDB remote protocol (through the `gdbstub` crate) on
//! 127.0.0.1:PORT, so `gdb-multiarch` can debug the guest as it debugs QEMU's.
//!
//! - Harts are threads (hart i is thread i + 1); stopping is all-stop.
//! - Registers: x0-x31, pc, f0-f31, fflags/frm/fcsr, every CSR sv39
//!   implements (named in the target description: `p $satp`) and `priv`.
//! - Memory: virtual addresses through the hart's current translation (satp
//!   and privilege), physical in M-mode or while translation is off.
//! - Breakpoints and watchpoints are kept outside the guest (`stops`) and
//!   checked before each instruction; single-step runs one instruction of
//!   one hart; Ctrl-C stops the machine within milliseconds.
//! - `--gdb-wait` holds the machine at reset until a debugger connects;
//!   without it the guest runs and a debugger may attach (and re-attach)
//!   at any time. `detach` lets the guest run on to its end; `kill` stops sv39.
//!
//! Cost: nothing in the hart's loop. With no debugger attached the machine
//! runs as without `--gdb` and looks for a connection between rounds; while
//! one is attached the harts run in batches, or one instruction at a time
//! while a breakpoint or watchpoint is set.

mod memory;
mod regs;
mod session;
mod stops;
mod target;

use crate::machine::{Exit, Machine};
use gdbstub::stub::{DisconnectReason, GdbStub};
use session::{EventLoop, Session};
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};
pub use stops::Stops;

/// How often a running machine looks for a debugger's connection or Ctrl-C.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The TCP port on 127.0.0.1 (0: any free port, which is printed).
    pub port: u16,
    /// Hold the machine before its first instruction until a debugger connects.
    pub wait: bool,
    pub max_insns: Option<u64>,
}

/// How a debugger's session ended.
enum Outcome {
    /// The run ended (the guest finished, or the debugger killed it).
    Ended(Exit),
    /// The debugger went away; the guest runs on.
    Detached,
}

/// Runs `machine` to its end while serving debuggers on `opts.port`.
pub fn serve(machine: &mut Machine, opts: &Options) -> Result<Exit, String> {
    let listener = TcpListener::bind(("127.0.0.1", opts.port))
        .map_err(|e| format!("--gdb {}: cannot listen on 127.0.0.1:{}: {e}", opts.port, opts.port))?;
    let addr = listener.local_addr().map_err(|e| format!("--gdb: {e}"))?;
    let waiting = if opts.wait { "; waiting for it before the first instruction" } else { "" };
    eprintln!("sv39: gdb: listening on {addr} (target remote {addr}){waiting}");
    let limit = opts.max_insns.unwrap_or(u64::MAX);
    let mut first = opts.wait.then(|| listener.accept());
    loop {
        let stream = match first.take() {
            Some(accepted) => accepted.map_err(|e| format!("--gdb: {e}"))?.0,
            None => match run_until_attached(machine, &listener, limit) {
                Ok(stream) => stream,
                Err(exit) => return Ok(exit),
            },
        };
        match attach(machine, stream, limit) {
            Outcome::Ended(exit) => return Ok(exit),
            Outcome::Detached => eprintln!("sv39: gdb: debugger detached; the guest runs on"),
        }
    }
}

/// Runs the machine until a debugger connects (Ok) or the run ends (Err).
fn run_until_attached(machine: &mut Machine, listener: &TcpListener, limit: u64) -> Result<TcpStream, Exit> {
    if let Err(e) = listener.set_nonblocking(true) {
        eprintln!("sv39: gdb: {e}; no debugger can attach now");
        return Err(machine.run(Some(limit)));
    }
    let mut poll = Poll::new();
    loop {
        if let Some(exit) = machine.round(limit) {
            return Err(exit);
        }
        if !poll.due() {
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => return Ok(stream),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => eprintln!("sv39: gdb: cannot accept a connection: {e}"),
        }
    }
}

/// Serves one debugger on `stream` with the machine stopped at first.
fn attach(machine: &mut Machine, stream: TcpStream, limit: u64) -> Outcome {
    if let Ok(peer) = stream.peer_addr() {
        eprintln!("sv39: gdb: debugger attached from {peer}");
    }
    // The stream may still be non-blocking from the listener.
    let _ = stream.set_nonblocking(false);
    let mut session = Session::new(machine, limit);
    let result = GdbStub::new(stream).run_blocking::<EventLoop>(&mut session);
    let ended = session.ended;
    machine.stops = None;
    if let Some(exit) = ended {
        return Outcome::Ended(exit);
    }
    match result {
        Ok(DisconnectReason::Kill) => Outcome::Ended(Exit::Killed),
        Ok(_) => Outcome::Detached,
        Err(e) => {
            eprintln!("sv39: gdb: session ended: {e}");
            Outcome::Detached
        }
    }
}

/// A clock for looking outside (the socket) every `POLL_INTERVAL` while the
/// machine runs.
struct Poll {
    next: Instant,
}

impl Poll {
    fn new() -> Poll {
        Poll { next: Instant::now() + POLL_INTERVAL }
    }

    /// Whether it is time to look; if so, the next look is one interval on.
    fn due(&mut self) -> bool {
        let now = Instant::now();
        if now < self.next {
            return false;
        }
        self.next = now + POLL_INTERVAL;
        true
    }
}

/// A hart in M-mode at the start of RAM, with 1 MiB of RAM holding `code`.
#[cfg(test)]
fn test_hart(code: &[u32]) -> (crate::hart::Hart, crate::bus::Bus) {
    use crate::bus::Clock;
    use crate::mmu::{walk::AdPolicy, Mmu};
    use sv39_arch::memmap::RAM_BASE;
    let clock = Clock::Instructions { per_tick: 10 };
    let Ok(mut bus) = crate::board::build_bus(1, 1 << 20, clock, Box::new(std::io::sink())) else { panic!("no RAM") };
    let bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
    bus.ram.write_bytes(RAM_BASE, &bytes);
    let mut h = crate::hart::Hart::new(0, Mmu::new(AdPolicy::Update, false));
    h.pc = RAM_BASE;
    (h, bus)
}
