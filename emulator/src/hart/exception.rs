//! Synchronous exceptions as values (privileged spec 3.1.15, table 3.6): each
//! variant carries what goes into `mtval`/`stval`, and its cause code follows
//! `mcause` numbering. The execute path returns `Result<_, Exception>`.

use sv39_arch::cause::exc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    InstructionAddressMisaligned(u64),
    InstructionAccessFault(u64),
    /// Carries the instruction bits (tval), 0 when they are not available.
    IllegalInstruction(u64),
    /// Carries the faulting pc (QEMU and Spike report it in tval).
    Breakpoint(u64),
    LoadAddressMisaligned(u64),
    LoadAccessFault(u64),
    StoreAddressMisaligned(u64),
    StoreAccessFault(u64),
    EcallFromU,
    EcallFromS,
    EcallFromM,
    InstructionPageFault(u64),
    LoadPageFault(u64),
    StorePageFault(u64),
}

impl Exception {
    pub const fn code(self) -> u64 {
        use Exception::*;
        match self {
            InstructionAddressMisaligned(_) => exc::INSTRUCTION_ADDRESS_MISALIGNED,
            InstructionAccessFault(_) => exc::INSTRUCTION_ACCESS_FAULT,
            IllegalInstruction(_) => exc::ILLEGAL_INSTRUCTION,
            Breakpoint(_) => exc::BREAKPOINT,
            LoadAddressMisaligned(_) => exc::LOAD_ADDRESS_MISALIGNED,
            LoadAccessFault(_) => exc::LOAD_ACCESS_FAULT,
            StoreAddressMisaligned(_) => exc::STORE_ADDRESS_MISALIGNED,
            StoreAccessFault(_) => exc::STORE_ACCESS_FAULT,
            EcallFromU => exc::ECALL_FROM_U,
            EcallFromS => exc::ECALL_FROM_S,
            EcallFromM => exc::ECALL_FROM_M,
            InstructionPageFault(_) => exc::INSTRUCTION_PAGE_FAULT,
            LoadPageFault(_) => exc::LOAD_PAGE_FAULT,
            StorePageFault(_) => exc::STORE_PAGE_FAULT,
        }
    }

    pub const fn tval(self) -> u64 {
        use Exception::*;
        match self {
            InstructionAddressMisaligned(v) | InstructionAccessFault(v) | IllegalInstruction(v)
            | Breakpoint(v) | LoadAddressMisaligned(v) | LoadAccessFault(v)
            | StoreAddressMisaligned(v) | StoreAccessFault(v) | InstructionPageFault(v)
            | LoadPageFault(v) | StorePageFault(v) => v,
            EcallFromU | EcallFromS | EcallFromM => 0,
        }
    }
}

/// The kind of a memory access, which decides the exception a fault raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Fetch = 0,
    Load = 1,
    /// Stores, SC and AMOs (AMOs raise store/AMO exceptions even for their read).
    Store,
}

impl Access {
    pub const fn page_fault(self, va: u64) -> Exception {
        match self {
            Access::Fetch => Exception::InstructionPageFault(va),
            Access::Load => Exception::LoadPageFault(va),
            Access::Store => Exception::StorePageFault(va),
        }
    }

    pub const fn access_fault(self, va: u64) -> Exception {
        match self {
            Access::Fetch => Exception::InstructionAccessFault(va),
            Access::Load => Exception::LoadAccessFault(va),
            Access::Store => Exception::StoreAccessFault(va),
        }
    }

    pub const fn misaligned(self, va: u64) -> Exception {
        match self {
            Access::Fetch => Exception::InstructionAddressMisaligned(va),
            Access::Load => Exception::LoadAddressMisaligned(va),
            Access::Store => Exception::StoreAddressMisaligned(va),
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Access::Fetch => "fetch",
            Access::Load => "load",
            Access::Store => "store",
        }
    }
}
