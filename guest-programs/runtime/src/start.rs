//! Process start: `_start` and what Linux's `execve` leaves on the stack.
//!
//! At entry sp points at argc, then argv[0..argc], NULL, envp..., NULL, then
//! the auxiliary vector as (key, value) pairs of u64 ending with `AT_NULL`.
//! `start` records where they are and calls the program's main.

use core::ffi::{c_char, CStr};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

// The ELF entry point: pass the initial sp to `start` on a 16-byte aligned
// stack, with ra and fp cleared so backtraces end here.
core::arch::global_asm!(
    ".section .text._start, \"ax\"",
    ".globl _start",
    "_start:",
    "    mv a0, sp",
    "    andi sp, sp, -16",
    "    li ra, 0",
    "    li fp, 0",
    "    call {start}",
    "    unimp",
    start = sym start,
);

extern "Rust" {
    /// The program's main, defined by [`crate::entry!`].
    fn __sv39_rt_main(args: Args) -> i32;
}

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicUsize = AtomicUsize::new(0);
static ENVP: AtomicUsize = AtomicUsize::new(0);
static AUXV: AtomicUsize = AtomicUsize::new(0);

/// # Safety
/// Called once by `_start` with the stack pointer Linux started the process with.
unsafe extern "C" fn start(sp: *const usize) -> ! {
    // SAFETY: the kernel's initial stack holds argc, argv[argc] and NULL,
    // envp and NULL, then the auxv: every read below stays inside it.
    let (argc, argv, envp, auxv) = unsafe {
        let argc = *sp;
        let argv = sp.add(1);
        let envp = argv.add(argc + 1);
        let mut end = envp;
        while *end != 0 {
            end = end.add(1);
        }
        (argc, argv, envp, end.add(1))
    };
    ARGC.store(argc, Relaxed);
    ARGV.store(argv as usize, Relaxed);
    ENVP.store(envp as usize, Relaxed);
    AUXV.store(auxv as usize, Relaxed);
    // SAFETY: the program defines __sv39_rt_main through entry!; a program
    // without it does not link.
    let code = unsafe { __sv39_rt_main(Args::get_static()) };
    crate::process::exit(code)
}

/// The program's arguments, as C strings.
#[derive(Clone, Copy)]
pub struct Args {
    argv: &'static [*const c_char],
}

impl Args {
    fn get_static() -> Args {
        let argv = ARGV.load(Relaxed) as *const *const c_char;
        // SAFETY: ARGV/ARGC were set by `start` from the initial stack, which
        // lives as long as the process and is never written by the runtime.
        Args { argv: unsafe { core::slice::from_raw_parts(argv, ARGC.load(Relaxed)) } }
    }

    pub fn len(&self) -> usize {
        self.argv.len()
    }

    pub fn is_empty(&self) -> bool {
        self.argv.is_empty()
    }

    /// Argument `i` (0 is the program's name as its caller gave it).
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        // SAFETY: each argv entry is a NUL-terminated string on the initial stack.
        self.argv.get(i).map(|&p| unsafe { CStr::from_ptr(p) })
    }

    /// Argument `i` as text, if it is UTF-8.
    pub fn str(&self, i: usize) -> Option<&'static str> {
        self.get(i)?.to_str().ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The program's name for messages: argv[0] without its directory.
    pub fn program(&self) -> &'static str {
        let name = self.str(0).unwrap_or("?");
        name.rsplit('/').next().unwrap_or(name)
    }
}

/// The environment.
pub mod env {
    use super::*;

    /// Every `NAME=value` string, as passed to `execve`.
    pub fn vars() -> impl Iterator<Item = &'static CStr> {
        let mut p = ENVP.load(Relaxed) as *const *const c_char;
        core::iter::from_fn(move || {
            // SAFETY: envp is a NULL-terminated array of C strings on the
            // initial stack (or null before `start` ran).
            unsafe {
                if p.is_null() || (*p).is_null() {
                    return None;
                }
                let s = CStr::from_ptr(*p);
                p = p.add(1);
                Some(s)
            }
        })
    }

    /// The value of `name`.
    pub fn var(name: &str) -> Option<&'static CStr> {
        vars().find_map(|kv| {
            let b = kv.to_bytes_with_nul();
            let rest = b.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            CStr::from_bytes_with_nul(rest).ok()
        })
    }
}

/// The auxiliary vector's value for `key` (`abi::auxv::AT_PAGESZ`, ...).
pub fn getauxval(key: u64) -> Option<u64> {
    let mut p = AUXV.load(Relaxed) as *const [u64; 2];
    if p.is_null() {
        return None;
    }
    loop {
        // SAFETY: the auxv is (key, value) pairs ending with AT_NULL on the
        // initial stack.
        let [k, v] = unsafe { *p };
        match k {
            sv39_abi::auxv::AT_NULL => return None,
            _ if k == key => return Some(v),
            // SAFETY: not yet at AT_NULL, so another pair follows.
            _ => p = unsafe { p.add(1) },
        }
    }
}
