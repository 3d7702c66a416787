//! Trap entry and return (privileged spec 3.1.6.1, 3.1.7-3.1.9, 3.3.2, 4.1.1),
//! interrupt selection, and the one function that decides which state changes
//! invalidate cached translations.

use super::exception::Exception;
use super::Hart;
use crate::trace::event::HartEvent;
use sv39_arch::cause::INTERRUPT_BIT;
use sv39_arch::csr::{self, mip, mstatus, satp, tvec, Priv};

/// Interrupt priority, highest first (spec 3.1.9): MEI, MSI, MTI, SEI, SSI, STI.
const PRIORITY: [u64; 6] = [11, 3, 7, 9, 1, 5];

impl Hart {
    pub fn take_exception(&mut self, e: Exception) {
        self.not_retired += 1;
        self.stats.exceptions[e.code() as usize & 15] += 1;
        self.trap(e.code(), e.tval(), false);
    }

    /// Takes the highest-priority interrupt that is pending and enabled;
    /// returns whether one was taken.
    pub fn take_interrupt(&mut self) -> bool {
        let Some(code) = self.pending_interrupt() else { return false };
        self.stats.interrupts[code as usize & 15] += 1;
        self.wfi = false;
        self.trap(code, 0, true);
        true
    }

    /// The interrupt to take now, if any (spec 3.1.9): M-level interrupts are
    /// enabled below M or with mstatus.MIE; delegated ones below S or with SIE,
    /// never in M. M-level ones go first.
    fn pending_interrupt(&self) -> Option<u64> {
        let pending = self.csr.mip() & self.csr.mie;
        if pending == 0 {
            return None;
        }
        let st = self.csr.mstatus;
        let m_on = self.prv < Priv::M || st & mstatus::MIE != 0;
        let s_on = self.prv < Priv::S || (self.prv == Priv::S && st & mstatus::SIE != 0);
        let m = if m_on { pending & !self.csr.mideleg } else { 0 };
        let s = if s_on { pending & self.csr.mideleg } else { 0 };
        let pick = |set: u64| PRIORITY.into_iter().find(|&c| set & (1 << c) != 0);
        pick(m).or_else(|| pick(s))
    }

    /// Enters the trap handler of M or S (when delegated from below M).
    fn trap(&mut self, code: u64, tval: u64, interrupt: bool) {
        let deleg = if interrupt { self.csr.mideleg } else { self.csr.medeleg };
        let to = if self.prv != Priv::M && deleg >> code & 1 != 0 { Priv::S } else { Priv::M };
        self.record_trap(code, tval, interrupt, to);
        let cause = code | if interrupt { INTERRUPT_BIT } else { 0 };
        let c = &mut self.csr;
        let st = c.mstatus;
        let target = if to == Priv::S {
            c.sepc = self.pc;
            c.scause = cause;
            c.stval = tval;
            let spie = if st & mstatus::SIE != 0 { mstatus::SPIE } else { 0 };
            let spp = if self.prv == Priv::S { mstatus::SPP } else { 0 };
            c.mstatus = st & !(mstatus::SIE | mstatus::SPIE | mstatus::SPP) | spie | spp;
            self.pc = vector(c.stvec, code, interrupt);
            Priv::S
        } else {
            c.mepc = self.pc;
            c.mcause = cause;
            c.mtval = tval;
            let mpie = if st & mstatus::MIE != 0 { mstatus::MPIE } else { 0 };
            let mpp = (self.prv as u64) << mstatus::MPP_SHIFT;
            c.mstatus = st & !(mstatus::MIE | mstatus::MPIE | mstatus::MPP) | mpie | mpp;
            self.pc = vector(c.mtvec, code, interrupt);
            Priv::M
        };
        self.reservation = None;
        self.set_priv(target);
    }

    fn record_trap(&mut self, code: u64, tval: u64, interrupt: bool, to: Priv) {
        let ecall_from_u = !interrupt && code == sv39_arch::cause::exc::ECALL_FROM_U;
        let x = &self.x;
        let syscall =
            (ecall_from_u && self.events.is_some()).then(|| [x[10], x[11], x[12], x[13], x[14], x[15], x[17]]);
        self.record(|ctx| HartEvent::Trap { ctx, code, interrupt, tval, to, syscall });
        if syscall.is_some() && self.events.is_some() {
            // The observer reads the call's arguments while memory still holds them.
            self.end_batch();
        }
    }

    /// `mret` (spec 3.3.2), returning the new pc: back to MPP with MIE = MPIE, MPIE = 1, MPP = U;
    /// MPRV cleared when leaving for a mode below M.
    pub fn mret(&mut self) -> u64 {
        let st = self.csr.mstatus;
        let to = self.csr.mpp();
        let mie = if st & mstatus::MPIE != 0 { mstatus::MIE } else { 0 };
        let mprv = if to == Priv::M { st & mstatus::MPRV } else { 0 };
        self.csr.mstatus = st & !(mstatus::MIE | mstatus::MPP | mstatus::MPRV) | mie | mstatus::MPIE | mprv;
        let target = self.csr.mepc;
        self.xret(to, target);
        target
    }

    /// `sret` (spec 3.3.2, 4.1.1), returning the new pc: back to SPP with SIE = SPIE, SPIE = 1,
    /// SPP = U, MPRV = 0 (SPP is never M).
    pub fn sret(&mut self) -> u64 {
        let st = self.csr.mstatus;
        let to = if st & mstatus::SPP != 0 { Priv::S } else { Priv::U };
        let sie = if st & mstatus::SPIE != 0 { mstatus::SIE } else { 0 };
        self.csr.mstatus = st & !(mstatus::SIE | mstatus::SPP | mstatus::MPRV) | sie | mstatus::SPIE;
        let target = self.csr.sepc;
        self.xret(to, target);
        target
    }

    fn xret(&mut self, to: Priv, target: u64) {
        let a0 = self.x[10];
        self.record(|ctx| HartEvent::Xret { ctx, to, target, a0 });
        self.reservation = None;
        self.set_priv(to);
        self.end_batch();
    }

    pub fn set_priv(&mut self, prv: Priv) {
        self.stats.cycles_by_priv[self.prv as usize] += self.cycle - self.stats.priv_since;
        self.stats.priv_since = self.cycle;
        self.prv = prv;
        self.update_translation_context();
    }

    /// Recomputes the TLB contexts after a change of privilege or of mstatus
    /// (MPRV, MPP, SUM, MXR), and forgets the fetch page.
    pub fn update_translation_context(&mut self) {
        let st = self.csr.mstatus;
        let data_prv = if st & mstatus::MPRV != 0 && self.prv == Priv::M { self.csr.mpp() } else { self.prv };
        self.mmu.set_context(self.prv, data_prv, st & mstatus::SUM != 0, st & mstatus::MXR != 0);
        self.invalidate_fetch();
    }

    /// The one place that decides what a CSR write invalidates (Spike's
    /// practice): mstatus changes the translation context, satp the address
    /// space, PMP every cached translation; anything that can enable or raise
    /// an interrupt ends the batch.
    pub(super) fn after_csr_write(&mut self, n: u16) {
        match n {
            csr::MSTATUS | csr::SSTATUS => {
                self.update_translation_context();
                self.end_batch();
            }
            csr::SATP => {
                let s = self.csr.satp;
                self.record(|ctx| HartEvent::Satp { ctx, value: s });
                if self.events.is_some() {
                    // The observer reads the table before the guest runs on under it.
                    self.end_batch();
                }
                let sv39 = s >> satp::MODE_SHIFT == satp::MODE_SV39;
                self.mmu.set_satp(sv39, (s & satp::ASID) >> satp::ASID_SHIFT, s & satp::PPN);
                self.invalidate_fetch();
            }
            csr::PMPCFG0 | csr::PMPCFG2 | csr::PMPADDR0..=csr::PMPADDR15 => {
                self.mmu.flush_all();
                self.invalidate_fetch();
            }
            csr::MIE | csr::SIE | csr::MIP | csr::SIP | csr::MIDELEG | csr::MENVCFG | csr::STIMECMP => {
                self.end_batch()
            }
            _ => {}
        }
    }
}

/// The handler address from xtvec (spec 3.1.7): vectored mode sends interrupts
/// to BASE + 4 × cause.
fn vector(xtvec: u64, code: u64, interrupt: bool) -> u64 {
    let base = xtvec & !tvec::MODE;
    if interrupt && xtvec & tvec::MODE == tvec::VECTORED { base + 4 * code } else { base }
}

// mip bits are spelled by cause number in PRIORITY; keep them in step.
const _: () = assert!(mip::MEIP == 1 << PRIORITY[0] && mip::STIP == 1 << PRIORITY[5]);
