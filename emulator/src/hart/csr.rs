//! The CSR file of one hart and the `csrr*` access rules (privileged spec 2.1,
//! chapter 3 for M-mode CSRs, chapter 4 for S-mode CSRs, Sstc for `stimecmp`).
//!
//! Each write applies the CSR's WARL rule here; `Hart::csr_write` then decides
//! which cached state the write invalidates (`Hart::after_csr_write`).

use super::Hart;
use crate::bus::Bus;
use crate::mmu::pmp::Pmp;
use sv39_arch::csr::{self, menvcfg, mip, misa, mstatus, satp, tvec, Priv};

/// `misa`: RV64 with I, M, A, F, D, C, S and U (read-only: writes are ignored, WARL).
pub const MISA: u64 = misa::MXL_64
    | misa::ext(b'A')
    | misa::ext(b'C')
    | misa::ext(b'D')
    | misa::ext(b'F')
    | misa::ext(b'I')
    | misa::ext(b'M')
    | misa::ext(b'S')
    | misa::ext(b'U');

/// `mstatus` bits software can write (VS stays 0 without V; SD is computed).
const MSTATUS_WRITABLE: u64 = mstatus::SIE
    | mstatus::MIE
    | mstatus::SPIE
    | mstatus::MPIE
    | mstatus::SPP
    | mstatus::MPP
    | mstatus::FS
    | mstatus::MPRV
    | mstatus::SUM
    | mstatus::MXR
    | mstatus::TVM
    | mstatus::TW
    | mstatus::TSR;
/// UXL = SXL = 2 (64-bit), read-only.
const MSTATUS_XL: u64 = 2 << mstatus::UXL_SHIFT | 2 << mstatus::SXL_SHIFT;

/// Exceptions that can be delegated to S-mode: all but ecall from M (spec 3.1.8).
const DELEGABLE_EXCEPTIONS: u64 = 0b1011_0011_1111_1111;
const MIE_WRITABLE: u64 = csr::S_INTERRUPTS | csr::M_INTERRUPTS;

#[derive(Clone, Debug)]
pub struct Csrs {
    pub mstatus: u64,
    pub medeleg: u64,
    pub mideleg: u64,
    pub mie: u64,
    /// The software-writable bits of `mip` (SSIP, STIP without Sstc, SEIP).
    pub mip_sw: u64,
    /// Interrupt lines from devices and timers, refreshed by `Hart::sync_interrupts`.
    pub mip_hw: u64,
    pub mtvec: u64,
    pub stvec: u64,
    pub mepc: u64,
    pub sepc: u64,
    pub mcause: u64,
    pub scause: u64,
    pub mtval: u64,
    pub stval: u64,
    pub mscratch: u64,
    pub sscratch: u64,
    pub mcounteren: u64,
    pub scounteren: u64,
    pub menvcfg: u64,
    pub senvcfg: u64,
    pub mcountinhibit: u64,
    pub satp: u64,
    pub stimecmp: u64,
    pub pmp: Pmp,
}

impl Default for Csrs {
    fn default() -> Self {
        Csrs {
            mstatus: MSTATUS_XL,
            medeleg: 0,
            mideleg: 0,
            mie: 0,
            mip_sw: 0,
            mip_hw: 0,
            mtvec: 0,
            stvec: 0,
            mepc: 0,
            sepc: 0,
            mcause: 0,
            scause: 0,
            mtval: 0,
            stval: 0,
            mscratch: 0,
            sscratch: 0,
            mcounteren: 0,
            scounteren: 0,
            menvcfg: 0,
            senvcfg: 0,
            mcountinhibit: 0,
            satp: 0,
            stimecmp: u64::MAX,
            pmp: Pmp::default(),
        }
    }
}

impl Csrs {
    pub fn mip(&self) -> u64 {
        self.mip_sw | self.mip_hw
    }

    pub fn mpp(&self) -> Priv {
        // MPP is WARL and only ever holds a legal value.
        Priv::from_bits(self.mstatus >> mstatus::MPP_SHIFT).unwrap_or(Priv::U)
    }

    pub fn sstc_enabled(&self) -> bool {
        self.menvcfg & menvcfg::STCE != 0
    }
}

/// Whether `value` is a legal xtvec (MODE 0 or 1); illegal writes are ignored (WARL).
fn legal_tvec(value: u64) -> bool {
    value & tvec::MODE <= tvec::VECTORED
}

impl Hart {
    /// Reads CSR `n` as an instruction at the current privilege would; None
    /// means the access raises illegal-instruction.
    pub fn csr_read(&mut self, bus: &mut Bus, n: u16) -> Option<u64> {
        self.csr_accessible(n, false).then_some(())?;
        self.csr_value(bus, n)
    }

    /// Writes CSR `n` as an instruction would; None means illegal-instruction.
    pub fn csr_write(&mut self, n: u16, value: u64) -> Option<()> {
        self.csr_accessible(n, true).then_some(())?;
        self.csr_store(n, value).then_some(())?;
        self.after_csr_write(n);
        Some(())
    }

    /// Writes CSR `n` as a debugger may, at any privilege, under the CSR's
    /// WARL rule; None when sv39 does not implement it.
    pub fn csr_write_as_debugger(&mut self, n: u16, value: u64) -> Option<()> {
        self.csr_store(n, value).then_some(())?;
        self.after_csr_write(n);
        Some(())
    }

    /// Privilege and read-only checks (spec 2.1): bits 9:8 give the lowest
    /// privilege, bits 11:10 = 3 mark read-only CSRs; then TVM, Sstc and the
    /// counter-enable rules.
    fn csr_accessible(&self, n: u16, write: bool) -> bool {
        let min_priv = (n >> 8) & 3;
        let read_only = (n >> 10) & 3 == 3;
        if (self.prv as u16) < min_priv || (write && read_only) {
            return false;
        }
        let s_mode = self.prv == Priv::S;
        match n {
            // F: fcsr and its views are unreachable while mstatus.FS = Off.
            csr::FFLAGS | csr::FRM | csr::FCSR => self.fp_enabled(),
            csr::SATP => !(s_mode && self.csr.mstatus & mstatus::TVM != 0),
            csr::STIMECMP => !s_mode || self.stimecmp_accessible(),
            csr::CYCLE..=csr::HPMCOUNTER31 => self.counter_accessible(n - csr::CYCLE),
            _ => true,
        }
    }

    /// Sstc: S-mode reaches stimecmp only with menvcfg.STCE and mcounteren.TM.
    fn stimecmp_accessible(&self) -> bool {
        self.csr.sstc_enabled() && self.csr.mcounteren & 2 != 0
    }

    /// mcounteren/scounteren gate the unprivileged counters (spec 3.1.11, 4.1.5).
    fn counter_accessible(&self, index: u16) -> bool {
        let bit = 1u64 << index;
        match self.prv {
            Priv::M => true,
            Priv::S => self.csr.mcounteren & bit != 0,
            Priv::U => self.csr.mcounteren & self.csr.scounteren & bit != 0,
        }
    }

    /// The value of CSR `n`, or None when it is not implemented.
    pub fn csr_value(&mut self, bus: &mut Bus, n: u16) -> Option<u64> {
        let c = &self.csr;
        Some(match n {
            csr::FFLAGS => self.fp.fflags as u64,
            csr::FRM => self.fp.frm as u64,
            csr::FCSR => self.fp.fcsr(),
            csr::CYCLE | csr::MCYCLE => self.mcycle(),
            csr::INSTRET | csr::MINSTRET => self.minstret(),
            csr::TIME => self.mtime(bus),
            csr::HPMCOUNTER3..=csr::HPMCOUNTER31 => 0,
            csr::MHPMCOUNTER3..=csr::MHPMCOUNTER31 | csr::MHPMEVENT3..=csr::MHPMEVENT31 => 0,
            csr::SSTATUS => sstatus(c.mstatus),
            csr::SIE => c.mie & c.mideleg,
            csr::SIP => {
                self.sync_interrupts(bus);
                self.csr.mip() & self.csr.mideleg
            }
            csr::STVEC => c.stvec,
            csr::SCOUNTEREN => c.scounteren,
            csr::SENVCFG => c.senvcfg,
            csr::SSCRATCH => c.sscratch,
            csr::SEPC => c.sepc,
            csr::SCAUSE => c.scause,
            csr::STVAL => c.stval,
            csr::STIMECMP => c.stimecmp,
            csr::SATP => c.satp,
            csr::MVENDORID | csr::MARCHID | csr::MIMPID | csr::MCONFIGPTR => 0,
            csr::MHARTID => self.id as u64,
            csr::MSTATUS => c.mstatus,
            csr::MISA => MISA,
            csr::MEDELEG => c.medeleg,
            csr::MIDELEG => c.mideleg,
            csr::MIE => c.mie,
            csr::MIP => {
                self.sync_interrupts(bus);
                self.csr.mip()
            }
            csr::MTVEC => c.mtvec,
            csr::MCOUNTEREN => c.mcounteren,
            csr::MENVCFG => c.menvcfg,
            csr::MCOUNTINHIBIT => c.mcountinhibit,
            csr::MSCRATCH => c.mscratch,
            csr::MEPC => c.mepc,
            csr::MCAUSE => c.mcause,
            csr::MTVAL => c.mtval,
            csr::PMPCFG0 => c.pmp.read_cfg(0),
            csr::PMPCFG2 => c.pmp.read_cfg(8),
            csr::PMPADDR0..=csr::PMPADDR15 => c.pmp.read_addr((n - csr::PMPADDR0) as usize),
            _ => return None,
        })
    }

    /// Stores `value` into CSR `n` under its WARL rule; false when not implemented.
    fn csr_store(&mut self, n: u16, value: u64) -> bool {
        let c = &mut self.csr;
        match n {
            csr::FFLAGS | csr::FRM | csr::FCSR => self.fcsr_store(n, value),
            csr::MCYCLE => self.set_mcycle(value),
            csr::MINSTRET => self.set_minstret(value),
            csr::MHPMCOUNTER3..=csr::MHPMCOUNTER31 | csr::MHPMEVENT3..=csr::MHPMEVENT31 => {}
            csr::SSTATUS => {
                let m = csr::SSTATUS_MASK & MSTATUS_WRITABLE;
                c.mstatus = with_sd(c.mstatus & !m | value & m);
            }
            csr::MSTATUS => c.mstatus = write_mstatus(c.mstatus, value),
            csr::SIE => c.mie = c.mie & !c.mideleg | value & c.mideleg & MIE_WRITABLE,
            // Only SSIP is writable through sip (spec 4.1.3).
            csr::SIP => {
                let m = mip::SSIP & c.mideleg;
                c.mip_sw = c.mip_sw & !m | value & m;
            }
            csr::MIP => {
                let mut m = mip::SSIP | mip::SEIP;
                if !c.sstc_enabled() {
                    m |= mip::STIP;
                }
                c.mip_sw = c.mip_sw & !m | value & m;
            }
            csr::MIE => c.mie = value & MIE_WRITABLE,
            csr::MEDELEG => c.medeleg = value & DELEGABLE_EXCEPTIONS,
            csr::MIDELEG => c.mideleg = value & csr::S_INTERRUPTS,
            csr::STVEC if legal_tvec(value) => c.stvec = value,
            csr::MTVEC if legal_tvec(value) => c.mtvec = value,
            csr::STVEC | csr::MTVEC => {}
            csr::SCOUNTEREN => c.scounteren = value & 0xffff_ffff,
            csr::MCOUNTEREN => c.mcounteren = value & 0xffff_ffff,
            csr::SENVCFG => c.senvcfg = value & menvcfg::FIOM,
            csr::MENVCFG => c.menvcfg = value & (menvcfg::FIOM | menvcfg::STCE),
            csr::MCOUNTINHIBIT => self.set_mcountinhibit(value),
            csr::SSCRATCH => c.sscratch = value,
            csr::MSCRATCH => c.mscratch = value,
            // IALIGN = 16: bit 0 of xepc is always zero.
            csr::SEPC => c.sepc = value & !1,
            csr::MEPC => c.mepc = value & !1,
            csr::SCAUSE => c.scause = value,
            csr::MCAUSE => c.mcause = value,
            csr::STVAL => c.stval = value,
            csr::MTVAL => c.mtval = value,
            csr::STIMECMP => c.stimecmp = value,
            csr::SATP => write_satp(&mut c.satp, value),
            csr::PMPCFG0 => c.pmp.write_cfg(0, value),
            csr::PMPCFG2 => c.pmp.write_cfg(8, value),
            csr::PMPADDR0..=csr::PMPADDR15 => c.pmp.write_addr((n - csr::PMPADDR0) as usize, value),
            csr::MVENDORID | csr::MARCHID | csr::MIMPID | csr::MHARTID | csr::MCONFIGPTR
            | csr::MISA => {}
            _ => return false,
        }
        true
    }
}

/// `sstatus` as a restricted view of `mstatus` (spec 4.1.1).
fn sstatus(mstatus: u64) -> u64 {
    mstatus & csr::SSTATUS_MASK
}

/// The WARL rule of `mstatus`: MPP keeps its old value when written with the
/// reserved encoding 2; UXL/SXL stay 64-bit; SD follows FS.
fn write_mstatus(old: u64, value: u64) -> u64 {
    let mut new = old & !MSTATUS_WRITABLE | value & MSTATUS_WRITABLE;
    if Priv::from_bits(value >> mstatus::MPP_SHIFT).is_none() {
        new = new & !mstatus::MPP | old & mstatus::MPP;
    }
    with_sd(new)
}

/// SD summarizes FS, VS and XS: set when any of them is Dirty (spec 3.1.6.6).
/// Here only FS can be Dirty.
pub(super) fn with_sd(status: u64) -> u64 {
    if status & mstatus::FS == mstatus::FS_DIRTY {
        status | mstatus::SD
    } else {
        status & !mstatus::SD
    }
}

/// "If satp is written with an unsupported MODE, the entire write has no effect"
/// (spec 4.1.11). ASIDLEN is 16; Bare keeps the other fields as written, as QEMU.
fn write_satp(satp_reg: &mut u64, value: u64) {
    let mode = value >> satp::MODE_SHIFT;
    if mode == satp::MODE_BARE || mode == satp::MODE_SV39 {
        *satp_reg = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmu::walk::AdPolicy;
    use sv39_arch::csr::mcountinhibit;
    use crate::mmu::Mmu;

    fn hart_in(prv: Priv) -> Hart {
        let mut h = Hart::new(0, Mmu::new(AdPolicy::Update, false));
        h.prv = prv;
        h
    }

    #[test]
    fn mstatus_warl_fields() {
        let mut h = hart_in(Priv::M);
        h.csr_write(csr::MSTATUS, mstatus::MPP | mstatus::SUM | mstatus::MXR).unwrap();
        assert_eq!(h.csr.mpp(), Priv::M);
        // MPP = 2 is reserved: the field keeps its legal value (3.1.6.1).
        h.csr_write(csr::MSTATUS, 2 << mstatus::MPP_SHIFT).unwrap();
        assert_eq!(h.csr.mpp(), Priv::M);
        assert_eq!(h.csr.mstatus & (mstatus::UXL | mstatus::SXL), MSTATUS_XL, "UXL = SXL = 64-bit");
        // sstatus is a view: writes outside its mask do not reach mstatus.
        h.csr_write(csr::SSTATUS, mstatus::MIE | mstatus::SIE).unwrap();
        assert_eq!(h.csr.mstatus & (mstatus::MIE | mstatus::SIE), mstatus::SIE);
    }

    #[test]
    fn delegation_and_interrupt_masks() {
        let mut h = hart_in(Priv::M);
        h.csr_write(csr::MEDELEG, u64::MAX).unwrap();
        assert_eq!(h.csr.medeleg & (1 << 11), 0, "ecall from M cannot be delegated");
        assert_eq!(h.csr.medeleg, DELEGABLE_EXCEPTIONS);
        h.csr_write(csr::MIDELEG, u64::MAX).unwrap();
        assert_eq!(h.csr.mideleg, csr::S_INTERRUPTS);
        h.csr_write(csr::MIE, u64::MAX).unwrap();
        assert_eq!(h.csr.mie, csr::S_INTERRUPTS | csr::M_INTERRUPTS);
        // mip: M writes SSIP, STIP, SEIP; the M-level bits are read-only.
        h.csr_write(csr::MIP, u64::MAX).unwrap();
        assert_eq!(h.csr.mip_sw, mip::SSIP | mip::STIP | mip::SEIP);
        // sip: only SSIP, and only when delegated.
        h.csr.mip_sw = 0;
        h.prv = Priv::S;
        h.csr_write(csr::SIP, u64::MAX).unwrap();
        assert_eq!(h.csr.mip_sw, mip::SSIP);
    }

    #[test]
    fn satp_ignores_unsupported_modes() {
        let mut h = hart_in(Priv::S);
        let sv39 = satp::sv39(0xffff, 0x8_0000);
        h.csr_write(csr::SATP, sv39).unwrap();
        assert_eq!(h.csr.satp, sv39, "ASIDLEN = 16");
        h.csr_write(csr::SATP, satp::MODE_SV48 << satp::MODE_SHIFT).unwrap();
        assert_eq!(h.csr.satp, sv39, "Sv48 is not implemented: the write has no effect");
        h.csr.mstatus |= mstatus::TVM;
        assert!(h.csr_write(csr::SATP, 0).is_none(), "TVM traps satp from S");
    }

    #[test]
    fn privilege_and_read_only_rules() {
        let mut h = hart_in(Priv::S);
        assert!(h.csr_write(csr::MSCRATCH, 1).is_none(), "M CSR from S");
        h.prv = Priv::M;
        assert!(h.csr_write(csr::MHARTID, 1).is_none(), "read-only CSR (bits 11:10 = 3)");
        assert!(h.csr_write(0x7c0, 1).is_none(), "unimplemented CSR");
        h.csr_write(csr::MEPC, 0x8000_0003).unwrap();
        assert_eq!(h.csr.mepc, 0x8000_0002, "IALIGN = 16: mepc[0] = 0");
        h.csr_write(csr::MTVEC, 0x8000_0002).unwrap();
        assert_eq!(h.csr.mtvec, 0, "a reserved MODE is not written");
    }

    #[test]
    fn counters_follow_the_enable_chain() {
        let mut h = hart_in(Priv::U);
        assert!(!h.csr_accessible(csr::CYCLE, false));
        h.csr.mcounteren = 1;
        assert!(!h.csr_accessible(csr::CYCLE, false), "U also needs scounteren");
        h.csr.scounteren = 1;
        assert!(h.csr_accessible(csr::CYCLE, false));
        assert!(!h.csr_accessible(csr::INSTRET, false));
    }

    #[test]
    fn mcountinhibit_holds_the_counters() {
        let mut h = hart_in(Priv::M);
        h.cycle = 100;
        h.csr_write(csr::MCOUNTINHIBIT, u64::MAX).unwrap();
        // Only CY and IR exist: TM (bit 1) and the idle hpmcounters' bits read 0 (3.1.12).
        assert_eq!(h.csr.mcountinhibit, mcountinhibit::CY | mcountinhibit::IR);
        let (cycle, instret) = (h.mcycle(), h.minstret());
        h.cycle += 50;
        assert_eq!((h.mcycle(), h.minstret()), (cycle, instret), "inhibited counters hold");
        h.csr_write(csr::MCYCLE, 7).unwrap();
        assert_eq!(h.mcycle(), 7, "an inhibited counter can still be written");
        h.csr_write(csr::MCOUNTINHIBIT, mcountinhibit::IR).unwrap();
        h.cycle += 5;
        assert_eq!(h.mcycle(), 12, "mcycle counts on from its held value");
        assert_eq!(h.minstret(), instret, "minstret is still held");
        h.csr_write(csr::MCOUNTINHIBIT, 0).unwrap();
        h.cycle += 3;
        assert_eq!(h.minstret(), instret + 3);
    }
}
