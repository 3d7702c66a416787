//! Numbered checks for test programs: each check has a number, the first that
//! fails is the program's exit status, and it prints one line before it fails:
//!
//! `check N failed: <what>: expected <X>, got <Y>`
//!
//! (hosts look for that line to say why a test failed). [`set_context`] puts a
//! label in front of `<what>` for tests that run one check over many inputs.

use crate::access::Access;
use crate::println;
use crate::trap::Trap;
use core::cell::UnsafeCell;
use core::fmt::Display;
use sv39_arch::csr::Priv;

/// A failed check's number.
pub type Outcome = Result<(), u32>;

/// The label printed before `<what>` (empty: none).
static CONTEXT: LabelCell = LabelCell(UnsafeCell::new(Label { text: [0; LABEL_MAX], len: 0 }));

struct LabelCell(UnsafeCell<Label>);

// SAFETY: test programs run on one hart, and only `set_context` and `fail`
// touch the label, never at the same time.
unsafe impl Sync for LabelCell {}

const LABEL_MAX: usize = 96;

/// A short text kept without allocation (longer text is cut).
struct Label {
    text: [u8; LABEL_MAX],
    len: usize,
}

impl core::fmt::Write for Label {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(LABEL_MAX - self.len);
        self.text[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Labels the following failure messages: `set_context(format_args!(..))`
/// (an empty text clears it).
pub fn set_context(args: core::fmt::Arguments) {
    // SAFETY: see `LabelCell`; no other reference to the label is alive.
    let label = unsafe { &mut *CONTEXT.0.get() };
    label.len = 0;
    let _ = core::fmt::Write::write_fmt(label, args);
}

/// Prints check `n`'s failure line and returns `n`.
pub fn fail(n: u32, what: &str, expected: impl Display, got: impl Display) -> u32 {
    // SAFETY: as in `set_context`.
    let label = unsafe { &*CONTEXT.0.get() };
    // Cut at a character boundary if the label was truncated inside one.
    let context = match core::str::from_utf8(&label.text[..label.len]) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&label.text[..e.valid_up_to()]).unwrap_or(""),
    };
    let sep = if context.is_empty() { "" } else { ": " };
    println!("check {n} failed: {context}{sep}{what}: expected {expected}, got {got}");
    n
}

/// Check `n`: `cond` must hold.
pub fn ensure(n: u32, cond: bool, what: &str) -> Outcome {
    if cond {
        Ok(())
    } else {
        Err(fail(n, what, "true", "false"))
    }
}

/// Check `n`: `got` must equal `want`.
pub fn ensure_eq(n: u32, got: u64, want: u64, what: &str) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(fail(n, what, Hex(want), Hex(got)))
    }
}

/// A number shown in hex.
pub struct Hex(pub u64);

impl Display for Hex {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// The outcome of a run, shown as `returned 0x..` or `trap cause c tval t epc e`.
pub struct Shown(pub Result<u64, Trap>);

impl Display for Shown {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self.0 {
            Ok(v) => write!(f, "return {v:#x}"),
            Err(t) => write!(f, "trap cause {} tval {:#x} epc {:#x}", t.cause, t.tval, t.epc),
        }
    }
}

/// Check `n`: the run returned normally; yields its value.
pub fn expect_ok(n: u32, r: Result<u64, Trap>, what: &str) -> Result<u64, u32> {
    match r {
        Ok(v) => Ok(v),
        Err(_) => Err(fail(n, what, "return", Shown(r))),
    }
}

/// Check `n`: the run trapped with exactly `cause`, `tval` and `epc`.
pub fn expect_trap(n: u32, r: Result<u64, Trap>, cause: u64, tval: u64, epc: u64, what: &str) -> Outcome {
    let want = Trap { cause, tval, epc };
    if r == Err(want) {
        Ok(())
    } else {
        Err(fail(n, what, Shown(Err(want)), Shown(r)))
    }
}

/// Check `n`: `access` at `va` in `mode` raises its page fault with tval = `va`.
pub fn expect_page_fault(n: u32, mode: Priv, access: Access, va: u64, what: &str) -> Outcome {
    expect_trap(n, access.run(mode, va), access.page_fault(), va, access.epc(va), what)
}

/// Checks n..n+2: a load, a store and a fetch at `va` in S mode each raise their page fault.
pub fn expect_page_faults(n: u32, va: u64, what: &str) -> Outcome {
    expect_page_fault(n, Priv::S, Access::Load, va, what)?;
    expect_page_fault(n + 1, Priv::S, Access::Store, va, what)?;
    expect_page_fault(n + 2, Priv::S, Access::Fetch, va, what)
}

/// Check `n`: `access` at `va` in `mode` raises its access fault with tval = `va`.
pub fn expect_access_fault(n: u32, mode: Priv, access: Access, va: u64, what: &str) -> Outcome {
    expect_trap(n, access.run(mode, va), access.access_fault(), va, access.epc(va), what)
}

/// The exit status for `main`: 0 on success, else the failed check.
pub fn finish(name: &str, r: Outcome) -> u32 {
    match r {
        Ok(()) => {
            println!("{name}: pass");
            0
        }
        Err(n) => {
            println!("{name}: FAIL (check {n})");
            n
        }
    }
}
