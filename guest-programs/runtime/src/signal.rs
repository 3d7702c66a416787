//! Signal handlers in Rust: [`on_signal`] installs an `SA_SIGINFO` handler
//! that gets the signal, its `siginfo_t` and the interrupted context (which
//! it may change: returning resumes that context, through the trampoline
//! the kernel provides on riscv64), and [`AltStack`] gives handlers a stack
//! of their own, for faults on a broken stack.

use crate::mman::Mmap;
use crate::sys;
use sv39_abi::mman::{PROT_READ, PROT_WRITE};
use sv39_abi::signal::{SigAction, SigInfo, SigSet, StackT, UContext, SA_SIGINFO, SS_DISABLE};
use sv39_abi::Errno;

/// A handler: the signal number, what the kernel says of it, and the
/// context it interrupted.
pub type Handler = extern "C" fn(sig: i32, info: &SigInfo, ctx: &mut UContext);

/// Runs `handler` for `sig` from now on, with `SA_SIGINFO` and `flags`
/// (`SA_ONSTACK`, `SA_NODEFER`, ...) and no other signal blocked while it
/// runs; returns the previous action, for [`restore`].
///
/// # Safety
/// The handler runs between any two instructions of the program: it may only
/// touch state that is consistent there (atomics, memory the program is not
/// using) and make system calls.
pub unsafe fn on_signal(sig: u32, handler: Handler, flags: u64) -> Result<SigAction, Errno> {
    let act = SigAction { sa_handler: handler as usize, sa_flags: SA_SIGINFO | flags, sa_mask: SigSet::EMPTY };
    // SAFETY: the caller vouches for the handler.
    unsafe { sys::rt_sigaction(sig, &act) }
}

/// Puts back an action [`on_signal`] returned (or any other).
pub fn restore(sig: u32, old: &SigAction) -> Result<(), Errno> {
    // SAFETY: the action was the kernel's before, or is SIG_DFL/SIG_IGN.
    unsafe { sys::rt_sigaction(sig, old) }.map(|_| ())
}

/// An alternate signal stack, in a mapping of its own; handlers installed
/// with `SA_ONSTACK` run on it. Uninstalled and unmapped when dropped.
pub struct AltStack {
    map: Mmap,
}

impl AltStack {
    /// Maps `len` bytes (a page multiple) and installs them.
    pub fn new(len: usize) -> Result<AltStack, Errno> {
        let map = Mmap::anon(len, PROT_READ | PROT_WRITE)?;
        // SAFETY: the mapping is ours and used by nothing but signal frames.
        unsafe { sys::sigaltstack(&StackT { ss_sp: map.addr(), ss_flags: 0, ss_size: len }) }?;
        Ok(AltStack { map })
    }

    /// The lowest and one past the highest address of the stack.
    pub fn range(&self) -> (usize, usize) {
        (self.map.addr(), self.map.addr() + self.map.len())
    }
}

impl Drop for AltStack {
    /// Uninstalls the stack before its mapping goes.
    fn drop(&mut self) {
        // SAFETY: disabling reads only the flags; no frame can land in the
        // mapping afterwards.
        let _ = unsafe { sys::sigaltstack(&StackT { ss_sp: 0, ss_flags: SS_DISABLE, ss_size: 0 }) };
    }
}
