//! Tracing (`--trace LIST`): instructions, traps, page walks, TLB, system
//! calls, memory and CSR accesses, filtered by privilege, ASID, pc and an
//! instruction window, written as text (Spike's commit-log layout for
//! instructions) or JSON Lines.
//!
//! Nothing here touches the hart's fast path. Events that happen on slow paths
//! (traps, walks, TLB misses and fills, sfence.vma) are recorded by the hart
//! into a buffer that exists only while traced, and drained after each batch.
//! Kinds only visible per instruction (insn, mem, csr, TLB hits) make the
//! machine run the hart one instruction at a time inside the window, and are
//! derived by comparing the state before and after: so tracing off costs
//! nothing, and a trace is the same on every run.

pub mod config;
mod device;
pub mod event;
pub(crate) mod format;
mod record;
mod step;
mod syscall;

use crate::bus::Bus;
use crate::hart::Hart;
use config::{Kind, TraceConfig};
use event::HartEvent;
use record::Record;
use std::io::{BufWriter, Write};
pub use step::Before;
pub(crate) use step::{fetch_probe, memory_access};
use syscall::Syscalls;

pub struct Tracer {
    pub cfg: TraceConfig,
    out: BufWriter<Box<dyn Write + Send>>,
    syscalls: Syscalls,
}

impl Tracer {
    pub fn new(cfg: TraceConfig, out: Box<dyn Write + Send>) -> Tracer {
        Tracer { cfg, out: BufWriter::with_capacity(1 << 16, out), syscalls: Syscalls::default() }
    }

    /// Starts recording the devices' events on `bus`, if asked to.
    pub fn observe_devices(&self, bus: &mut Bus) {
        if self.cfg.wants(Kind::Blk) || self.cfg.wants(Kind::P9) {
            device::observe(bus);
        }
    }

    /// Writes out the events the devices recorded.
    pub fn drain_devices(&mut self, bus: &mut Bus) {
        if self.cfg.wants(Kind::Blk) || self.cfg.wants(Kind::P9) {
            for r in device::drain(bus, self.cfg.wants(Kind::Blk), self.cfg.wants(Kind::P9)) {
                self.emit(&r);
            }
        }
    }

    /// Starts recording slow-path events on `hart`.
    pub fn observe(&self, hart: &mut Hart) {
        hart.events.get_or_insert_with(Vec::new);
    }

    /// Whether `hart` must run one instruction at a time now.
    pub fn wants_steps(&self, hart: &Hart) -> bool {
        self.cfg.needs_steps() && self.cfg.in_window(hart.cycle + 1)
    }

    /// Where a batch that does not step must end: at the start of the
    /// instruction window, so stepping begins exactly there.
    pub fn batch_end(&self, hart: &Hart, stop: u64) -> u64 {
        if self.cfg.needs_steps() && hart.cycle < self.cfg.from {
            stop.min(self.cfg.from.max(hart.cycle + 1))
        } else {
            stop
        }
    }

    /// Writes out the events `hart` recorded, filtered.
    pub fn drain(&mut self, hart: &mut Hart, bus: &mut Bus) {
        let Some(events) = hart.events.as_mut().map(std::mem::take) else { return };
        for e in &events {
            self.event(hart, bus, e);
        }
        if let Some(v) = &mut hart.events {
            // Keep the allocation for the next batch.
            *v = events;
            v.clear();
        }
    }

    fn event(&mut self, hart: &Hart, bus: &mut Bus, e: &HartEvent) {
        let c = e.ctx();
        if !self.cfg.in_window(c.cycle) {
            return;
        }
        let selected = self.cfg.selects(c.prv, c.asid, c.pc);
        // System calls pair an ecall with its return: both ends are looked at.
        if self.cfg.wants(Kind::Syscall) {
            if let Some(r) = self.syscalls.event(hart, bus, e) {
                if self.cfg.asid.is_none_or(|a| r.1 == Some(a)) {
                    self.emit(&r.0);
                }
            }
        }
        if !selected {
            return;
        }
        if let Some(r) = format::event(hart.id, e, &self.cfg) {
            self.emit(&r);
        }
    }

    fn emit(&mut self, r: &Record) {
        // A trace that cannot be written is not worth stopping the guest for.
        let _ = r.write(&mut self.out, self.cfg.format);
    }

    /// Before one traced step: what to compare with afterwards.
    pub fn before_step(&self, hart: &mut Hart, bus: &mut Bus) -> Before {
        Before::capture(hart, bus)
    }

    /// After one traced step: the instruction's line and its memory, CSR and
    /// TLB-hit records.
    pub fn after_step(&mut self, hart: &mut Hart, bus: &mut Bus, before: &Before) {
        if !self.cfg.selects(before.prv, before.asid, before.pc) {
            return;
        }
        for r in step::records(hart, bus, before, &self.cfg) {
            self.emit(&r);
        }
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }
}
