//! What a hart's slow paths record while someone observes it: traps and
//! returns, page walks, TLB misses, fills and flushes, satp writes. Nothing on
//! the fast path records anything; with no observer the buffer does not exist.

use crate::hart::exception::Access;
use crate::mmu::walk::{WalkFault, WalkSteps};
use sv39_arch::csr::Priv;

/// Where the hart was when the event happened.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// Instructions the hart had executed, this one included.
    pub cycle: u64,
    pub pc: u64,
    pub prv: Priv,
    /// satp.ASID, or None while translation is off.
    pub asid: Option<u16>,
}

/// Why a translation failed, in the spec's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslateFault {
    /// Bits 63:39 of the address do not all equal bit 38 (4.4.1).
    NonCanonical,
    Walk(WalkFault),
    /// PMP denies the access to the leaf's physical address (3.7).
    Pmp,
}

#[derive(Clone, Debug)]
pub enum HartEvent {
    /// An exception or interrupt; `syscall` holds a0..a5 and a7 of an ecall from U.
    Trap { ctx: Ctx, code: u64, interrupt: bool, tval: u64, to: Priv, syscall: Option<[u64; 7]> },
    /// mret or sret; `a0` is the value a returning system call leaves.
    Xret { ctx: Ctx, to: Priv, target: u64, a0: u64 },
    /// A translation through the page table (or PMP on its result).
    Walk { ctx: Ctx, access: Access, va: u64, steps: WalkSteps, outcome: Result<(u64, u64, usize), TranslateFault> },
    TlbMiss { ctx: Ctx, access: Access, va: u64 },
    TlbFill { ctx: Ctx, access: Access, va: u64, pa: u64, level: u8, global: bool },
    Sfence { ctx: Ctx, va: Option<u64>, asid: Option<u64>, removed: usize },
    Satp { ctx: Ctx, value: u64 },
}

impl HartEvent {
    pub fn ctx(&self) -> &Ctx {
        match self {
            HartEvent::Trap { ctx, .. }
            | HartEvent::Xret { ctx, .. }
            | HartEvent::Walk { ctx, .. }
            | HartEvent::TlbMiss { ctx, .. }
            | HartEvent::TlbFill { ctx, .. }
            | HartEvent::Sfence { ctx, .. }
            | HartEvent::Satp { ctx, .. } => ctx,
        }
    }
}
