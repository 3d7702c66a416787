//! CSR numbers and fields (privileged spec 2.2 and chapters 3-4), spelled as in
//! the spec. Field constants are masks in place; `*_SHIFT` gives the position of
//! multi-bit fields.

// Unprivileged floating-point CSRs (F extension, "Floating-Point Control and
// Status Register"): fflags and frm are views of fields of fcsr.
pub const FFLAGS: u16 = 0x001;
pub const FRM: u16 = 0x002;
pub const FCSR: u16 = 0x003;

// Unprivileged counters and timers.
pub const CYCLE: u16 = 0xc00;
pub const TIME: u16 = 0xc01;
pub const INSTRET: u16 = 0xc02;
pub const HPMCOUNTER3: u16 = 0xc03;
pub const HPMCOUNTER31: u16 = 0xc1f;

// Supervisor.
pub const SSTATUS: u16 = 0x100;
pub const SIE: u16 = 0x104;
pub const STVEC: u16 = 0x105;
pub const SCOUNTEREN: u16 = 0x106;
pub const SENVCFG: u16 = 0x10a;
pub const SSCRATCH: u16 = 0x140;
pub const SEPC: u16 = 0x141;
pub const SCAUSE: u16 = 0x142;
pub const STVAL: u16 = 0x143;
pub const SIP: u16 = 0x144;
pub const STIMECMP: u16 = 0x14d;
pub const SATP: u16 = 0x180;

// Machine.
pub const MVENDORID: u16 = 0xf11;
pub const MARCHID: u16 = 0xf12;
pub const MIMPID: u16 = 0xf13;
pub const MHARTID: u16 = 0xf14;
pub const MCONFIGPTR: u16 = 0xf15;
pub const MSTATUS: u16 = 0x300;
pub const MISA: u16 = 0x301;
pub const MEDELEG: u16 = 0x302;
pub const MIDELEG: u16 = 0x303;
pub const MIE: u16 = 0x304;
pub const MTVEC: u16 = 0x305;
pub const MCOUNTEREN: u16 = 0x306;
pub const MENVCFG: u16 = 0x30a;
pub const MCOUNTINHIBIT: u16 = 0x320;
pub const MHPMEVENT3: u16 = 0x323;
pub const MHPMEVENT31: u16 = 0x33f;
pub const MSCRATCH: u16 = 0x340;
pub const MEPC: u16 = 0x341;
pub const MCAUSE: u16 = 0x342;
pub const MTVAL: u16 = 0x343;
pub const MIP: u16 = 0x344;
pub const PMPCFG0: u16 = 0x3a0;
pub const PMPCFG2: u16 = 0x3a2;
pub const PMPADDR0: u16 = 0x3b0;
pub const PMPADDR15: u16 = 0x3bf;
pub const MCYCLE: u16 = 0xb00;
pub const MINSTRET: u16 = 0xb02;
pub const MHPMCOUNTER3: u16 = 0xb03;
pub const MHPMCOUNTER31: u16 = 0xb1f;
pub const TSELECT: u16 = 0x7a0;

/// `mstatus` fields (privileged spec 3.1.6, RV64).
pub mod mstatus {
    pub const SIE: u64 = 1 << 1;
    pub const MIE: u64 = 1 << 3;
    pub const SPIE: u64 = 1 << 5;
    pub const UBE: u64 = 1 << 6;
    pub const MPIE: u64 = 1 << 7;
    pub const SPP: u64 = 1 << 8;
    pub const VS: u64 = 0b11 << 9;
    pub const MPP_SHIFT: u32 = 11;
    pub const MPP: u64 = 0b11 << MPP_SHIFT;
    pub const FS_SHIFT: u32 = 13;
    pub const FS: u64 = 0b11 << FS_SHIFT;
    /// FS values (spec 3.1.6.6, "Extension Context Status in mstatus Register").
    pub const FS_OFF: u64 = 0;
    pub const FS_INITIAL: u64 = 1 << FS_SHIFT;
    pub const FS_CLEAN: u64 = 2 << FS_SHIFT;
    pub const FS_DIRTY: u64 = 3 << FS_SHIFT;
    pub const XS: u64 = 0b11 << 15;
    pub const MPRV: u64 = 1 << 17;
    pub const SUM: u64 = 1 << 18;
    pub const MXR: u64 = 1 << 19;
    pub const TVM: u64 = 1 << 20;
    pub const TW: u64 = 1 << 21;
    pub const TSR: u64 = 1 << 22;
    pub const UXL_SHIFT: u32 = 32;
    pub const UXL: u64 = 0b11 << UXL_SHIFT;
    pub const SXL_SHIFT: u32 = 34;
    pub const SXL: u64 = 0b11 << SXL_SHIFT;
    pub const SBE: u64 = 1 << 36;
    pub const MBE: u64 = 1 << 37;
    pub const SD: u64 = 1 << 63;
}

/// The `mstatus` bits visible through `sstatus` (privileged spec 4.1.1).
pub const SSTATUS_MASK: u64 = mstatus::SIE
    | mstatus::SPIE
    | mstatus::UBE
    | mstatus::SPP
    | mstatus::VS
    | mstatus::FS
    | mstatus::XS
    | mstatus::SUM
    | mstatus::MXR
    | mstatus::UXL
    | mstatus::SD;

/// `fcsr` fields (F extension, "Floating-Point Control and Status Register"):
/// the accrued exception flags in bits 4:0 and the rounding mode in 7:5.
pub mod fcsr {
    /// Inexact.
    pub const NX: u8 = 1 << 0;
    /// Underflow.
    pub const UF: u8 = 1 << 1;
    /// Overflow.
    pub const OF: u8 = 1 << 2;
    /// Divide by zero.
    pub const DZ: u8 = 1 << 3;
    /// Invalid operation.
    pub const NV: u8 = 1 << 4;
    pub const FFLAGS: u64 = 0x1f;
    pub const FRM_SHIFT: u32 = 5;
    pub const FRM: u64 = 0b111 << FRM_SHIFT;

    /// Rounding modes, as in `frm` and the instructions' rm field ("Rounding
    /// mode encoding"); 5 and 6 are reserved, 7 selects `frm` in an instruction.
    pub const RNE: u8 = 0;
    pub const RTZ: u8 = 1;
    pub const RDN: u8 = 2;
    pub const RUP: u8 = 3;
    pub const RMM: u8 = 4;
    pub const DYN: u8 = 7;
}

/// Bits of `mip`/`mie` (privileged spec 3.1.9), by interrupt code.
pub mod mip {
    pub const SSIP: u64 = 1 << 1;
    pub const MSIP: u64 = 1 << 3;
    pub const STIP: u64 = 1 << 5;
    pub const MTIP: u64 = 1 << 7;
    pub const SEIP: u64 = 1 << 9;
    pub const MEIP: u64 = 1 << 11;
}

/// The interrupts a supervisor can see in `sip`/`sie` when delegated.
pub const S_INTERRUPTS: u64 = mip::SSIP | mip::STIP | mip::SEIP;
pub const M_INTERRUPTS: u64 = mip::MSIP | mip::MTIP | mip::MEIP;

/// `satp` fields for RV64 (privileged spec 4.1.11).
pub mod satp {
    pub const MODE_SHIFT: u32 = 60;
    pub const MODE: u64 = 0xf << MODE_SHIFT;
    pub const ASID_SHIFT: u32 = 44;
    pub const ASID: u64 = 0xffff << ASID_SHIFT;
    pub const PPN: u64 = (1 << 44) - 1;
    pub const MODE_BARE: u64 = 0;
    pub const MODE_SV39: u64 = 8;
    pub const MODE_SV48: u64 = 9;

    /// Builds a `satp` value for Sv39.
    pub const fn sv39(asid: u16, root_ppn: u64) -> u64 {
        (MODE_SV39 << MODE_SHIFT) | ((asid as u64) << ASID_SHIFT) | (root_ppn & PPN)
    }
}

/// `menvcfg` fields (privileged spec 3.1.18, Sstc).
pub mod menvcfg {
    pub const FIOM: u64 = 1 << 0;
    /// Zicbom: CBO.INVAL enable (2 bits), CBO.CLEAN/FLUSH enable; Zicboz:
    /// CBO.ZERO enable. Read-only zero here (neither extension is implemented).
    pub const CBIE: u64 = 0b11 << 4;
    pub const CBCFE: u64 = 1 << 6;
    pub const CBZE: u64 = 1 << 7;
    /// Svpbmt enable; read-only zero here (Svpbmt is not implemented).
    pub const PBMTE: u64 = 1 << 62;
    pub const STCE: u64 = 1 << 63;
}

/// `mcountinhibit` fields (privileged spec 3.1.12); bit 1 (time) is read-only zero.
pub mod mcountinhibit {
    pub const CY: u64 = 1 << 0;
    pub const IR: u64 = 1 << 2;
}

/// `mtvec`/`stvec` MODE field.
pub mod tvec {
    pub const MODE: u64 = 0b11;
    pub const DIRECT: u64 = 0;
    pub const VECTORED: u64 = 1;
}

/// `misa` extension bits.
pub mod misa {
    pub const MXL_64: u64 = 2 << 62;

    /// The bit for extension letter `c` (`'A'..='Z'`).
    pub const fn ext(c: u8) -> u64 {
        1 << (c - b'A')
    }
}

/// PMP configuration fields (privileged spec 3.7.1).
pub mod pmpcfg {
    pub const R: u8 = 1 << 0;
    pub const W: u8 = 1 << 1;
    pub const X: u8 = 1 << 2;
    pub const A_SHIFT: u32 = 3;
    pub const A: u8 = 0b11 << A_SHIFT;
    pub const L: u8 = 1 << 7;
    pub const A_OFF: u8 = 0;
    pub const A_TOR: u8 = 1;
    pub const A_NA4: u8 = 2;
    pub const A_NAPOT: u8 = 3;
}

/// Privilege levels as encoded in `mstatus.MPP` and `mstatus.SPP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Priv {
    U = 0,
    S = 1,
    M = 3,
}

impl Priv {
    /// Decodes an MPP value; the reserved encoding 2 is not a privilege.
    pub const fn from_bits(bits: u64) -> Option<Priv> {
        match bits & 3 {
            0 => Some(Priv::U),
            1 => Some(Priv::S),
            3 => Some(Priv::M),
            _ => None,
        }
    }

    pub const fn letter(self) -> char {
        match self {
            Priv::U => 'U',
            Priv::S => 'S',
            Priv::M => 'M',
        }
    }
}

/// The conventional name of a CSR, for traces and disassembly.
pub fn name(csr: u16) -> Option<&'static str> {
    Some(match csr {
        FFLAGS => "fflags",
        FRM => "frm",
        FCSR => "fcsr",
        CYCLE => "cycle",
        TIME => "time",
        INSTRET => "instret",
        SSTATUS => "sstatus",
        SIE => "sie",
        STVEC => "stvec",
        SCOUNTEREN => "scounteren",
        SENVCFG => "senvcfg",
        SSCRATCH => "sscratch",
        SEPC => "sepc",
        SCAUSE => "scause",
        STVAL => "stval",
        SIP => "sip",
        STIMECMP => "stimecmp",
        SATP => "satp",
        MVENDORID => "mvendorid",
        MARCHID => "marchid",
        MIMPID => "mimpid",
        MHARTID => "mhartid",
        MCONFIGPTR => "mconfigptr",
        MSTATUS => "mstatus",
        MISA => "misa",
        MEDELEG => "medeleg",
        MIDELEG => "mideleg",
        MIE => "mie",
        MTVEC => "mtvec",
        MCOUNTEREN => "mcounteren",
        MENVCFG => "menvcfg",
        MCOUNTINHIBIT => "mcountinhibit",
        MSCRATCH => "mscratch",
        MEPC => "mepc",
        MCAUSE => "mcause",
        MTVAL => "mtval",
        MIP => "mip",
        MCYCLE => "mcycle",
        MINSTRET => "minstret",
        PMPCFG0 => "pmpcfg0",
        PMPCFG2 => "pmpcfg2",
        PMPADDR0..=PMPADDR15 => {
            const NAMES: [&str; 16] = [
                "pmpaddr0", "pmpaddr1", "pmpaddr2", "pmpaddr3", "pmpaddr4", "pmpaddr5", "pmpaddr6",
                "pmpaddr7", "pmpaddr8", "pmpaddr9", "pmpaddr10", "pmpaddr11", "pmpaddr12",
                "pmpaddr13", "pmpaddr14", "pmpaddr15",
            ];
            NAMES[(csr - PMPADDR0) as usize]
        }
        _ => return None,
    })
}
