//! One debugger connection: the machine as gdbstub's target, run on request
//! (continue: round-robin rounds of all harts, or of the harts GDB names
//! when it locks the scheduler; step: one instruction of one hart) until a
//! breakpoint, watchpoint, step or Ctrl-C stops it, or the guest ends.
//!
//! GDB single-steps RISC-V in software: it puts a temporary breakpoint after
//! the instruction and continues only the stepping thread. So a continue of
//! named threads must run those harts alone.

use super::stops::{Hit, Stops};
use super::Poll;
use crate::machine::{Exit, Machine};
use gdbstub::common::{Signal, Tid};
use gdbstub::conn::ConnectionExt;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::MultiThreadStopReason;
use std::convert::Infallible;
use std::marker::PhantomData;
use std::net::TcpStream;

pub type StopReason = MultiThreadStopReason<u64>;

/// What the harts do when the debugger resumes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Every hart runs.
    All,
    /// Only these harts run, in turn; the others stay.
    Only(Vec<usize>),
    /// This hart runs one instruction; the others stay.
    Step(usize),
}

/// The resume actions of one `vCont` packet, as gdbstub hands them over.
#[derive(Clone, Debug, Default)]
pub struct Actions {
    pub step: Option<usize>,
    /// Harts GDB named to continue.
    pub named: Vec<usize>,
    /// No wildcard continue: the harts not named stay.
    pub locked: bool,
}

impl Actions {
    pub fn resume(&self) -> Resume {
        match self.step {
            Some(i) => Resume::Step(i),
            None if self.locked => Resume::Only(self.named.clone()),
            None => Resume::All,
        }
    }
}

/// Instructions a hart running alone runs between looks at the debugger.
const ALONE_QUANTUM: u64 = 10_000;

pub struct Session<'a> {
    pub(super) m: &'a mut Machine,
    pub(super) actions: Actions,
    pub(super) resume: Resume,
    /// `--max-insns` as a cycle of hart 0.
    limit: u64,
    /// The target description, made once per connection.
    pub(super) xml: String,
    /// How the run ended, if it ended while the debugger was attached.
    pub(super) ended: Option<Exit>,
}

impl<'a> Session<'a> {
    pub fn new(m: &'a mut Machine, limit: u64) -> Session<'a> {
        m.stops = Some(Stops::default());
        let (h, bus) = (&mut m.harts[0], &mut m.bus);
        let xml = super::regs::target_xml(h, bus);
        Session { m, actions: Actions::default(), resume: Resume::All, limit, xml, ended: None }
    }

    pub fn stops(&mut self) -> &mut Stops {
        self.m.stops.get_or_insert_with(Stops::default)
    }

    /// The hart of thread `tid` (hart i is thread i + 1), if there is one.
    pub fn hart(&self, tid: Tid) -> Option<usize> {
        let i = tid.get() - 1;
        (i < self.m.harts.len()).then_some(i)
    }

    /// Runs a little: one round, a quantum of each named hart, or the step;
    /// the stop to report, if any.
    fn advance(&mut self) -> Option<StopReason> {
        if let Err(exit) = self.run_some() {
            self.ended = Some(exit);
            return Some(exit_reason(exit));
        }
        if let Some(hit) = self.stops().take_hit() {
            return Some(hit_reason(hit));
        }
        match self.resume {
            Resume::Step(i) => Some(MultiThreadStopReason::SignalWithThread { tid: tid(i), signal: Signal::SIGTRAP }),
            _ => None,
        }
    }

    fn run_some(&mut self) -> Result<(), Exit> {
        let m = &mut *self.m;
        let alone = match &self.resume {
            Resume::All => return m.round(self.limit).map_or(Ok(()), Err),
            Resume::Only(harts) => harts.as_slice(),
            Resume::Step(i) => std::slice::from_ref(i),
        };
        // `--max-insns` counts hart 0's instructions; it may be held here.
        if alone.iter().any(|&i| m.harts[i].cycle >= self.limit) {
            return Err(Exit::InstructionLimit);
        }
        let n = if matches!(self.resume, Resume::Step(_)) { 1 } else { ALONE_QUANTUM };
        alone.iter().try_for_each(|&i| m.run_alone(i, n).map(drop))
    }

    /// The hart a stop without a cause of its own is reported on.
    fn focus(&self) -> usize {
        match &self.resume {
            Resume::Step(i) => *i,
            Resume::Only(harts) => harts.first().copied().unwrap_or(0),
            Resume::All => 0,
        }
    }
}

/// Thread `i + 1` for hart `i`.
pub fn tid(i: usize) -> Tid {
    Tid::MIN.saturating_add(i)
}

/// The end of the run as GDB reports it: the guest's exit status, or a signal
/// for what sv39 itself stopped (SIGXCPU for `--max-insns`, SIGHUP when
/// every hart waits for an interrupt that cannot come).
fn exit_reason(exit: Exit) -> StopReason {
    match exit {
        Exit::Pass => MultiThreadStopReason::Exited(0),
        Exit::Fail(code) => MultiThreadStopReason::Exited(code.clamp(1, 255) as u8),
        Exit::InstructionLimit => MultiThreadStopReason::Terminated(Signal::SIGXCPU),
        Exit::Deadlock => MultiThreadStopReason::Terminated(Signal::SIGHUP),
        Exit::Killed => MultiThreadStopReason::Terminated(Signal::SIGKILL),
        Exit::UserEntered { .. } => MultiThreadStopReason::Exited(0),
    }
}

fn hit_reason(hit: Hit) -> StopReason {
    match hit {
        Hit::Breakpoint { hart } => MultiThreadStopReason::SwBreak(tid(hart)),
        Hit::Watchpoint { hart, kind, addr } => MultiThreadStopReason::Watch { tid: tid(hart), kind, addr },
    }
}

/// gdbstub's blocking loop over a TCP connection: the machine runs in this
/// thread and looks for Ctrl-C from the debugger every few milliseconds.
pub struct EventLoop<'a>(PhantomData<&'a ()>);

impl<'a> BlockingEventLoop for EventLoop<'a> {
    type Target = Session<'a>;
    type Connection = TcpStream;
    type StopReason = StopReason;

    fn wait_for_stop_reason(
        s: &mut Session<'a>,
        conn: &mut TcpStream,
    ) -> Result<Event<StopReason>, WaitForStopReasonError<Infallible, std::io::Error>> {
        let mut poll = Poll::new();
        loop {
            if let Some(stop) = s.advance() {
                return Ok(Event::TargetStopped(stop));
            }
            if poll.due() && ConnectionExt::peek(conn).map_err(WaitForStopReasonError::Connection)?.is_some() {
                let byte = ConnectionExt::read(conn).map_err(WaitForStopReasonError::Connection)?;
                return Ok(Event::IncomingData(byte));
            }
        }
    }

    fn on_interrupt(s: &mut Session<'a>) -> Result<Option<StopReason>, Infallible> {
        Ok(Some(MultiThreadStopReason::SignalWithThread { tid: tid(s.focus()), signal: Signal::SIGINT }))
    }
}
