//! One RV64IMAFDC hart with M, S and U modes: architectural state, the batch loop
//! (fetch, execute, trap), counters and time, and interrupt lines.
//!
//! The loop runs a batch of instructions with no device polling; anything that
//! may make an interrupt pending or enabled (CSR writes, xRET, WFI, device
//! writes) ends the batch so `crate::machine` can look.

pub mod csr;
pub mod decode;
pub mod disasm;
pub mod exception;
mod execute;
pub mod fpu;
pub mod isa;
pub mod op;
mod trap;

use crate::bus::Bus;
use crate::mmu::Mmu;
use crate::stats::HartStats;
use crate::trace::event::{Ctx, HartEvent};
use csr::Csrs;
use exception::{Access, Exception};
use op::{Decoded, Op};
use sv39_arch::csr::{mcountinhibit, mip, Priv};

pub struct Hart {
    pub id: usize,
    /// x0..x31; x[0] is rewritten to 0 after every write.
    pub x: [u64; 32],
    pub pc: u64,
    pub prv: Priv,
    pub csr: Csrs,
    pub mmu: Mmu,
    /// LR/SC reservation: the virtual address of the last LR (as QEMU keeps it).
    pub reservation: Option<u64>,
    /// Stalled in WFI until an interrupt is pending and enabled in `mie`.
    pub wfi: bool,
    /// Instructions executed or trapped (drives mcycle and time).
    pub cycle: u64,
    /// `cycle` minus instructions retired (traps, idle time), and CSR write offsets.
    not_retired: u64,
    mcycle_offset: u64,
    /// What mcycle and minstret read while mcountinhibit holds them.
    held_mcycle: u64,
    held_minstret: u64,
    /// The batch ends when `cycle` reaches this.
    batch_end: u64,
    /// The virtual page and decode-cache slots of the last fetch (1 = none).
    fetch_page_va: u64,
    fetch_page: *const Decoded,
    /// `bus.code.epoch` when the store TLB was last made coherent with code pages.
    code_epoch: u64,
    pub stats: HartStats,
    /// Events for an observer (tracer, pictures); None when nobody observes.
    pub events: Option<Vec<HartEvent>>,
    /// F/D registers and fcsr (`fpu`), off the hot path.
    pub fp: fpu::FpRegs,
    /// The translator, when the engine is `jit` (None: the interpreter alone).
    jit: Option<Box<crate::jit::Jit>>,
}

impl Hart {
    pub fn new(id: usize, mmu: Mmu) -> Hart {
        Hart {
            id,
            x: [0; 32],
            pc: 0,
            prv: Priv::M,
            csr: Csrs::default(),
            mmu,
            reservation: None,
            wfi: false,
            cycle: 0,
            not_retired: 0,
            mcycle_offset: 0,
            held_mcycle: 0,
            held_minstret: 0,
            batch_end: 0,
            fetch_page_va: 1,
            fetch_page: std::ptr::null(),
            code_epoch: u64::MAX,
            stats: HartStats::default(),
            events: None,
            fp: fpu::FpRegs::default(),
            jit: None,
        }
    }

    /// Reset state (privileged spec 3.4): M-mode, MIE = MPRV = 0, PMP off, `pc`
    /// at the reset vector; `a0` = hartid and `a1` = DTB as QEMU's reset code sets.
    pub fn reset(&mut self, pc: u64, dtb: u64) {
        let (cycle, events, jit) = (self.cycle, self.events.take(), self.jit.take());
        *self = Hart::new(self.id, Mmu::new(self.mmu.ad, self.mmu.strict));
        self.jit = jit;
        self.cycle = cycle;
        self.stats.priv_since = cycle;
        self.events = events;
        self.not_retired = cycle;
        self.pc = pc;
        self.x[10] = self.id as u64;
        self.x[11] = dtb;
    }

    /// Runs until `cycle` reaches `until` or something ends the batch early;
    /// returns the number of instructions executed or trapped.
    pub fn run(&mut self, bus: &mut Bus, until: u64) -> u64 {
        let start = self.cycle;
        self.batch_end = until;
        self.sync_store_tlb(bus);
        match self.jit.take() {
            Some(mut jit) => {
                jit.run(self, bus);
                self.jit = Some(jit);
            }
            None => self.interpret(bus),
        }
        self.cycle - start
    }

    /// Selects the engine: the translator (`crate::jit`) or the interpreter.
    /// `--strict-tlb` checks every TLB hit, which only the interpreter does;
    /// the translator emits x86-64 code, so other hosts interpret.
    pub fn set_engine(&mut self, engine: crate::jit::Engine) {
        let jit = engine == crate::jit::Engine::Jit && !self.mmu.strict && cfg!(target_arch = "x86_64");
        self.jit = if jit { crate::jit::Jit::new(crate::jit::HOT_AFTER).map(Box::new) } else { None };
    }

    /// Translates blocks once reached `n` times (0: at once), when the
    /// translator runs this hart.
    pub fn set_jit_hot_after(&mut self, n: u8) {
        if self.jit.is_some() {
            self.jit = crate::jit::Jit::new(n).map(Box::new);
        }
    }

    /// The translator's figures, when it runs this hart.
    pub fn jit_stats(&self) -> Option<crate::jit::JitStats> {
        self.jit.as_ref().map(|j| j.stats)
    }

    /// The interpreter: runs from `self.pc` until `cycle` reaches `batch_end`.
    #[inline(always)]
    pub(crate) fn interpret(&mut self, bus: &mut Bus) {
        // pc and cycle live in registers here: `self.pc` and `self.cycle` are
        // written for the slow paths but never read back on the fast path.
        let mut pc = self.pc;
        let mut cycle = self.cycle;
        while cycle < self.batch_end {
            cycle += 1;
            self.cycle = cycle;
            self.pc = pc;
            // The decode-cache hit stays in registers; misses go out of line.
            let d = match self.cached_decoded(pc) {
                Some(d) => d,
                None => match self.fetch_slow(bus) {
                    Ok(d) => d,
                    Err(e) => {
                        self.take_exception(e);
                        pc = self.pc;
                        continue;
                    }
                },
            };
            match self.execute(bus, d, pc) {
                Ok(next) => pc = next,
                Err(e) => {
                    self.take_exception(e);
                    pc = self.pc;
                }
            }
        }
        self.pc = pc;
    }

    /// Executes `d`, fetched at `pc`, for the translator (`jit::frame::interpret`):
    /// the next pc, or the exception it raised (not yet taken).
    pub(crate) fn execute_one(&mut self, bus: &mut Bus, d: Decoded, pc: u64) -> Result<u64, Exception> {
        self.execute(bus, d, pc)
    }

    /// One instruction by the interpreter, inside a batch the translator runs.
    #[inline(never)]
    pub(crate) fn interpret_one(&mut self, bus: &mut Bus) {
        let end = self.batch_end;
        self.batch_end = self.cycle + 1;
        self.interpret(bus);
        // An instruction that ended the batch (end_batch) leaves it ended.
        if self.batch_end != 0 {
            self.batch_end = end;
        }
    }

    /// The cycle at which the current batch ends (0 once something ended it).
    pub(crate) fn batch_end(&self) -> u64 {
        self.batch_end
    }

    /// Ends the current batch after this instruction.
    #[inline]
    pub fn end_batch(&mut self) {
        self.batch_end = 0;
    }

    #[inline(always)]
    pub fn reg(&self, r: u8) -> u64 {
        self.x[(r & 31) as usize]
    }

    #[inline(always)]
    pub fn set_reg(&mut self, r: u8, v: u64) {
        self.x[(r & 31) as usize] = v;
        self.x[0] = 0;
    }

    /// The decoded instruction at `pc` when `pc` is on the page of the last
    /// fetch and the slot is filled.
    #[inline(always)]
    fn cached_decoded(&self, pc: u64) -> Option<Decoded> {
        if pc & !0xfff != self.fetch_page_va {
            return None;
        }
        // SAFETY: fetch_page points at the 2048 slots of a live decoded page
        // (pages are never freed) and the index is below 2048.
        let d = unsafe { *self.fetch_page.add((pc as usize & 0xfff) >> 1) };
        (d.op != Op::Undecoded).then_some(d)
    }

    /// Translates `pc`, decodes the instruction and caches it for its page.
    #[inline(never)]
    fn fetch_slow(&mut self, bus: &mut Bus) -> Result<Decoded, Exception> {
        let pc = self.pc;
        let pa = self.translate_fetch(bus, pc)?;
        let lo = bus.read(pa, 2).ok_or(Exception::InstructionAccessFault(pc))? as u32;
        if lo & 3 != 3 {
            return Ok(self.cache_decoded(bus, pc, pa, decode::decode(lo)));
        }
        // The upper half may lie on the next page: its fault reports pc + 2.
        let pa_hi = self.translate_fetch(bus, pc + 2)?;
        let hi = bus.read(pa_hi, 2).ok_or(Exception::InstructionAccessFault(pc + 2))? as u32;
        let d = decode::decode(lo | hi << 16);
        if pc & 0xfff == 0xffe {
            return Ok(d); // spans two pages: not cached
        }
        Ok(self.cache_decoded(bus, pc, pa, d))
    }

    fn cache_decoded(&mut self, bus: &mut Bus, pc: u64, pa: u64, d: Decoded) -> Decoded {
        let Some(page) = bus.ram_page(pa) else { return d };
        let slots = bus.code.code_page(page);
        // SAFETY: `slots` has 2048 entries; the index is below 2048.
        unsafe { *slots.add((pc as usize & 0xfff) >> 1) = d };
        // The fast path skips PMP: only a page PMP lets this privilege fetch
        // from as a whole becomes the fetch page (a region smaller than a page
        // is checked on every fetch, 3.7.1).
        if self.csr.pmp.allows(pa & !0xfff, 0x1000, Access::Fetch, self.prv) {
            self.fetch_page_va = pc & !0xfff;
            self.fetch_page = slots;
        }
        self.sync_store_tlb(bus);
        d
    }

    /// No store TLB entry may point at a code page (see `bus::code_pages`).
    pub(crate) fn sync_store_tlb(&mut self, bus: &Bus) {
        if self.code_epoch != bus.code.epoch {
            self.code_epoch = bus.code.epoch;
            self.mmu.store_tlb.flush_all();
        }
    }

    /// Where the hart is, for events.
    pub fn ctx(&self) -> Ctx {
        Ctx { cycle: self.cycle, pc: self.pc, prv: self.prv, asid: self.mmu.asid() }
    }

    /// Records an event if someone observes this hart (slow paths only).
    #[inline]
    pub fn record(&mut self, event: impl FnOnce(Ctx) -> HartEvent) {
        if self.events.is_some() {
            let e = event(self.ctx());
            if let Some(v) = &mut self.events {
                v.push(e);
            }
        }
    }

    /// Forgets the cached fetch page: privilege, satp, sfence.vma or PMP changed.
    pub fn invalidate_fetch(&mut self) {
        self.fetch_page_va = 1;
    }

    pub fn mcycle(&self) -> u64 {
        if self.csr.mcountinhibit & mcountinhibit::CY != 0 {
            return self.held_mcycle;
        }
        self.cycle.wrapping_add(self.mcycle_offset)
    }

    pub fn minstret(&self) -> u64 {
        if self.csr.mcountinhibit & mcountinhibit::IR != 0 {
            return self.held_minstret;
        }
        self.cycle.wrapping_sub(self.not_retired)
    }

    fn set_mcycle(&mut self, v: u64) {
        // The writing instruction itself is counted after the write.
        self.mcycle_offset = v.wrapping_sub(self.cycle);
        self.held_mcycle = v;
    }

    fn set_minstret(&mut self, v: u64) {
        self.not_retired = self.cycle.wrapping_sub(v);
        self.held_minstret = v;
    }

    /// mcountinhibit (privileged spec 3.1.12): a set bit stops its counter,
    /// which keeps its value until the bit clears and it counts on from there.
    /// Only CY and IR exist here: bit 1 (time) is read-only zero, and the
    /// hpmcounters never count, so their inhibit bits are read-only zero too.
    fn set_mcountinhibit(&mut self, value: u64) {
        let (cycle, instret) = (self.mcycle(), self.minstret());
        self.csr.mcountinhibit = value & (mcountinhibit::CY | mcountinhibit::IR);
        self.set_mcycle(cycle);
        self.set_minstret(instret);
    }

    /// Cycles that passed without instructions (WFI), skipped by the machine.
    pub fn idle_until(&mut self, cycle: u64) {
        if cycle > self.cycle {
            self.not_retired += cycle - self.cycle;
            self.stats.priv_since += cycle - self.cycle;
            self.cycle = cycle;
        }
    }

    /// Instructions executed at each privilege (U, S, -, M), idle time excluded.
    pub fn cycles_by_priv(&self) -> [u64; 4] {
        let mut c = self.stats.cycles_by_priv;
        c[self.prv as usize] += self.cycle - self.stats.priv_since;
        c
    }

    /// The current `mtime` as this hart sees it.
    pub fn mtime(&self, bus: &mut Bus) -> u64 {
        bus.clint.set_time(bus.ticks(self.cycle));
        bus.clint.mtime()
    }

    /// Refreshes the interrupt lines from the CLINT, the PLIC and `stimecmp`.
    pub fn sync_interrupts(&mut self, bus: &mut Bus) {
        let now = self.mtime(bus);
        let mut hw = 0;
        let set = |cond: bool, bit: u64| if cond { bit } else { 0 };
        hw |= set(bus.clint.msip(self.id), mip::MSIP);
        hw |= set(bus.clint.mtip(self.id), mip::MTIP);
        hw |= set(bus.plic.eip(2 * self.id), mip::MEIP);
        hw |= set(bus.plic.eip(2 * self.id + 1), mip::SEIP);
        // Sstc: STIP follows stimecmp while menvcfg.STCE is set.
        hw |= set(self.csr.sstc_enabled() && now >= self.csr.stimecmp, mip::STIP);
        self.csr.mip_hw = hw;
    }

    /// The next `mtime` value, after `now`, at which a timer whose interrupt
    /// is enabled in `mie` fires. A timer already past is pending (it wakes
    /// WFI or is taken at once), and a disabled one can wake nothing: neither
    /// may hide a later one.
    pub fn next_timer(&self, bus: &Bus, now: u64) -> Option<u64> {
        let mie = self.csr.mie;
        let machine = (mie & mip::MTIP != 0).then(|| bus.clint.mtimecmp(self.id));
        let supervisor = (self.csr.sstc_enabled() && mie & mip::STIP != 0).then_some(self.csr.stimecmp);
        [machine, supervisor].into_iter().flatten().filter(|&t| t > now && t != u64::MAX).min()
    }

    /// Whether an interrupt is pending and enabled in `mie` (this wakes WFI,
    /// whatever the global enables say: privileged spec 3.3.3).
    pub fn wakeup_pending(&self) -> bool {
        self.csr.mip() & self.csr.mie != 0
    }
}
