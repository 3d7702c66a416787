//! What the spec allows a [`Case`]'s access to do, and the checks comparing
//! it with what happened. A case lists the allowed [`Effect`]s (usually one;
//! several where the spec leaves a choice); the checks, in order:
//!
//! 1. the access completed or trapped, as allowed;
//! 2. the trap's cause is an allowed one (`mcause`, or `scause` if delegated);
//! 3. the trap value (`mtval`/`stval`, 4.1.9);
//! 4. the trap's `epc`: the accessing instruction (for a fetch, its start);
//! 5. the handler that took the trap: M, or S when delegated;
//! 6. the value a completed access returned (load data, SC result, AMO old value,
//!    the tag the fetched code returns);
//! 7. memory at the address: written as the access says, otherwise untouched
//!    (a trapping store that crosses a page may have written its first part:
//!    "a portion of a misaligned store that passes the exception check may
//!    become visible", 4.3.1);
//! 8. the leaf PTE (and the next page's, for accesses that cross into it):
//!    unchanged, or with the A/D bits the case expects;
//! 9. the pointer PTEs above it: unchanged ("Each leaf PTE contains an accessed
//!    (A) and dirty (D) bit"; pointers have none).

use crate::case::Case;
use crate::space::{canonical, Snapshot, Space};
use bare::access::{read32, Access};
use bare::check::{ensure_eq, fail, Hex, Outcome, Shown};
use bare::trap::Taken;
use core::fmt::{self, Display};
use sv39_arch::cause::exception_name;
use sv39_arch::csr::Priv;
use sv39_arch::sv39::PAGE_SIZE;

/// One outcome the spec allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The access completes.
    Done,
    /// The access traps with this cause and trap value.
    Trap(Cause, Tval),
}

/// A trap cause, relative to the access type where the spec says so
/// ("raise a page-fault exception corresponding to the original access type").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Page,
    Access,
    Misaligned,
    Code(u64),
}

/// What the trap value must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tval {
    /// The address accessed.
    Va,
    /// The start of the page after it: the faulting portion of an access or
    /// instruction that crosses into that page (4.1.9).
    NextPage,
    /// The address, or another invalid (non-canonical) one: "Prior to writing
    /// stval, implementations may convert an invalid address into some other
    /// invalid address that stval is capable of holding" (4.1.9).
    Invalid,
    /// 0 or the faulting instruction's bits (illegal instruction, 4.1.9).
    InsnOrZero,
}

pub const DONE: &[Effect] = &[Effect::Done];
pub const PAGE_FAULT: &[Effect] = &[Effect::Trap(Cause::Page, Tval::Va)];
pub const ACCESS_FAULT: &[Effect] = &[Effect::Trap(Cause::Access, Tval::Va)];

impl Cause {
    /// The exception code for `access`.
    pub fn code(self, access: Access) -> u64 {
        match self {
            Cause::Page => access.page_fault(),
            Cause::Access => access.access_fault(),
            Cause::Misaligned => access.misaligned(),
            Cause::Code(code) => code,
        }
    }
}

impl Tval {
    /// Whether `tval` is allowed for a trap of the access at `va` (`epc`).
    pub fn accepts(self, tval: u64, va: u64, epc: u64) -> bool {
        match self {
            Tval::Va => tval == va,
            Tval::NextPage => tval == next_page(va),
            Tval::Invalid => tval == va || !canonical(tval),
            Tval::InsnOrZero => tval == 0 || tval == read32(epc) as u64,
        }
    }

    fn show(self, va: u64) -> TvalShown {
        TvalShown(self, va)
    }
}

fn next_page(va: u64) -> u64 {
    (va & !(PAGE_SIZE - 1)) + PAGE_SIZE
}

struct TvalShown(Tval, u64);

impl Display for TvalShown {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            Tval::Va => write!(f, "{:#x}", self.1),
            Tval::NextPage => write!(f, "{:#x} (the next page)", next_page(self.1)),
            Tval::Invalid => write!(f, "{:#x} or another invalid address", self.1),
            Tval::InsnOrZero => write!(f, "0 or the instruction"),
        }
    }
}

/// The allowed effects, as words.
struct Allowed(&'static [Effect], Access);

impl Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, effect) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            match *effect {
                Effect::Done => f.write_str("completion")?,
                Effect::Trap(cause, _) => CauseShown(cause.code(self.1)).fmt(f)?,
            }
        }
        Ok(())
    }
}

struct CauseShown(u64);

impl Display for CauseShown {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} ({})", exception_name(self.0), self.0)
    }
}

/// Checks 1-9 for `case` (see the module doc).
pub fn check(case: &Case, space: &Space, before: &Snapshot, after: &Snapshot, result: Result<u64, Taken>) -> Outcome {
    let allowed = Allowed(case.expect, case.access);
    let memory = match result {
        Ok(value) => {
            if !case.expect.contains(&Effect::Done) {
                return Err(fail(1, "outcome", allowed, Shown(Ok(value))));
            }
            check_value(case, space, before, value)?;
            written(case.access, space.va, before)
        }
        Err(taken) => {
            check_trap(case, space, &taken)?;
            if case.access.is_write() && space.crosses(case) {
                after.bytes
            } else {
                before.bytes
            }
        }
    };
    check_memory(&memory, &after.bytes)?;
    let gained = if result.is_ok() { case.gains } else { 0 };
    let next_gained = if space.crosses(case) { gained } else { 0 };
    check_ptes(case, before, after, gained, next_gained)
}

/// Checks 1-5 for a trap.
fn check_trap(case: &Case, space: &Space, taken: &Taken) -> Outcome {
    let (t, access) = (taken.trap, case.access);
    let handler = if case.delegated { Priv::S } else { Priv::M };
    let reg = |m, s| if handler == Priv::S { s } else { m };
    let mut traps = case.expect.iter().filter_map(|e| match *e {
        Effect::Trap(cause, tval) => Some((cause.code(access), tval)),
        Effect::Done => None,
    });
    if !case.expect.iter().any(|e| matches!(e, Effect::Trap(..))) {
        return Err(fail(1, "outcome", "completion", Shown(Err(t))));
    }
    let Some((_, tval)) = traps.find(|&(code, _)| code == t.cause) else {
        return Err(fail(2, reg("mcause", "scause"), Allowed(case.expect, access), CauseShown(t.cause)));
    };
    let epc = access.epc(space.va);
    if !tval.accepts(t.tval, space.va, epc) {
        return Err(fail(3, reg("mtval", "stval"), tval.show(space.va), Hex(t.tval)));
    }
    ensure_eq(4, t.epc, epc, reg("mepc", "sepc"))?;
    ensure_eq(5, taken.handler as u64, handler as u64, "privilege of the handler (3 = M, 1 = S)")
}

/// Check 6: the value a completed access returned.
fn check_value(case: &Case, space: &Space, before: &Snapshot, value: u64) -> Outcome {
    let old = || le_value(&before.bytes);
    match case.access {
        Access::Load | Access::Lr | Access::Amo => ensure_eq(6, value, old(), "value loaded"),
        Access::Store | Access::LrSc => ensure_eq(6, value, 0, "returned (0: stored)"),
        Access::Sc if value == 0 => Err(fail(6, "SC without reservation", "nonzero (failed)", "0 (succeeded)")),
        Access::Sc => Ok(()),
        Access::Fetch => ensure_eq(6, value, space.fetch_tag(case.compressed), "a0 set by the fetched code"),
    }
}

/// The bytes a completed access leaves at its address.
fn written(access: Access, va: u64, before: &Snapshot) -> [Option<u8>; 8] {
    let value = match access {
        Access::Store | Access::LrSc => va,
        Access::Amo => le_value(&before.bytes).wrapping_add(va),
        _ => return before.bytes,
    };
    let bytes = value.to_le_bytes();
    core::array::from_fn(|i| before.bytes[i].map(|_| bytes[i]))
}

/// The little-endian value of eight known bytes (unknown ones read as 0).
fn le_value(bytes: &[Option<u8>; 8]) -> u64 {
    u64::from_le_bytes(core::array::from_fn(|i| bytes[i].unwrap_or(0)))
}

/// Check 7: the bytes at the address.
fn check_memory(want: &[Option<u8>; 8], got: &[Option<u8>; 8]) -> Outcome {
    ensure_eq(7, le_value(got), le_value(want), "memory at the address")
}

/// Checks 8 and 9: the leaf PTEs (the next page's gains A/D too when a
/// completed access reached it) and the pointers above the first.
fn check_ptes(case: &Case, before: &Snapshot, after: &Snapshot, gained: u64, next_gained: u64) -> Outcome {
    let keep = !case.may_gain;
    if let (Some(b), Some(a)) = (before.leaf_pte, after.leaf_pte) {
        ensure_eq(8, a & keep, (b | gained) & keep, "leaf PTE")?;
    }
    if let (Some(b), Some(a)) = (before.next_pte, after.next_pte) {
        ensure_eq(8, a & keep, (b | next_gained) & keep, "next page's leaf PTE")?;
    }
    for (b, a) in before.pointers.iter().zip(after.pointers.iter()) {
        if let (Some(b), Some(a)) = (b, a) {
            ensure_eq(9, *a, *b, "pointer PTE")?;
        }
    }
    Ok(())
}
