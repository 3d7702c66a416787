//! Signals as riscv64 Linux numbers and lays them out
//! (include/uapi/asm-generic/signal.h, signal-defs.h, siginfo.h).
//!
//! riscv64 has no `SA_RESTORER`: the kernel supplies the return trampoline,
//! so the kernel's `struct sigaction` is handler, flags, mask. `sigset_t` is
//! one 64-bit word; `rt_sigaction` and `rt_sigprocmask` require
//! `sigsetsize == SIGSET_SIZE`.

/// Defines each signal and lists it with its name and `strsignal` text.
macro_rules! signals {
    ($($name:ident = $n:literal $msg:literal,)*) => {
        $(#[doc = $msg] pub const $name: u32 = $n;)*
        /// Every standard signal as (number, name, description), in number order.
        pub const SIGNALS: &[(u32, &str, &str)] = &[$(($n, stringify!($name), $msg)),*];
    };
}

signals! {
    SIGHUP = 1 "Hangup",
    SIGINT = 2 "Interrupt",
    SIGQUIT = 3 "Quit",
    SIGILL = 4 "Illegal instruction",
    SIGTRAP = 5 "Trace/breakpoint trap",
    SIGABRT = 6 "Aborted",
    SIGBUS = 7 "Bus error",
    SIGFPE = 8 "Floating point exception",
    SIGKILL = 9 "Killed",
    SIGUSR1 = 10 "User defined signal 1",
    SIGSEGV = 11 "Segmentation fault",
    SIGUSR2 = 12 "User defined signal 2",
    SIGPIPE = 13 "Broken pipe",
    SIGALRM = 14 "Alarm clock",
    SIGTERM = 15 "Terminated",
    SIGSTKFLT = 16 "Stack fault",
    SIGCHLD = 17 "Child exited",
    SIGCONT = 18 "Continued",
    SIGSTOP = 19 "Stopped (signal)",
    SIGTSTP = 20 "Stopped",
    SIGTTIN = 21 "Stopped (tty input)",
    SIGTTOU = 22 "Stopped (tty output)",
    SIGURG = 23 "Urgent I/O condition",
    SIGXCPU = 24 "CPU time limit exceeded",
    SIGXFSZ = 25 "File size limit exceeded",
    SIGVTALRM = 26 "Virtual timer expired",
    SIGPROF = 27 "Profiling timer expired",
    SIGWINCH = 28 "Window changed",
    SIGIO = 29 "I/O possible",
    SIGPWR = 30 "Power failure",
    SIGSYS = 31 "Bad system call",
}

pub const SIGIOT: u32 = SIGABRT;
pub const SIGPOLL: u32 = SIGIO;
pub const SIGRTMIN: u32 = 32;
pub const SIGRTMAX: u32 = NSIG;
/// The highest signal number (`_NSIG`): signals are 1..=64.
pub const NSIG: u32 = 64;
/// The `sigsetsize` argument the kernel accepts, in bytes.
pub const SIGSET_SIZE: usize = 8;

/// The name of signal `n` (`"SIGSEGV"` for 11).
pub fn signal_name(n: u32) -> Option<&'static str> {
    SIGNALS.get((n as usize).wrapping_sub(1)).map(|s| s.1)
}

/// What `strsignal` says of signal `n` (`"Segmentation fault"`).
pub fn signal_description(n: u32) -> Option<&'static str> {
    SIGNALS.get((n as usize).wrapping_sub(1)).map(|s| s.2)
}

pub const SA_NOCLDSTOP: u64 = 0x1;
pub const SA_NOCLDWAIT: u64 = 0x2;
pub const SA_SIGINFO: u64 = 0x4;
pub const SA_UNSUPPORTED: u64 = 0x400;
pub const SA_EXPOSE_TAGBITS: u64 = 0x800;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;

/// Handler values with special meaning.
pub const SIG_DFL: usize = 0;
pub const SIG_IGN: usize = 1;
pub const SIG_ERR: usize = usize::MAX;

/// `rt_sigprocmask` operations.
pub const SIG_BLOCK: u32 = 0;
pub const SIG_UNBLOCK: u32 = 1;
pub const SIG_SETMASK: u32 = 2;

/// `sigaltstack` flags.
pub const SS_ONSTACK: i32 = 1;
pub const SS_DISABLE: i32 = 2;
pub const SS_AUTODISARM: i32 = 1 << 31;
pub const MINSIGSTKSZ: usize = 2048;
pub const SIGSTKSZ: usize = 8192;

/// `si_code` values: who sent the signal, or why the kernel raised it.
pub const SI_USER: i32 = 0;
pub const SI_KERNEL: i32 = 0x80;
pub const SI_QUEUE: i32 = -1;
pub const SI_TKILL: i32 = -6;
/// SIGSEGV: no mapping at the address.
pub const SEGV_MAPERR: i32 = 1;
/// SIGSEGV: a mapping exists but forbids the access.
pub const SEGV_ACCERR: i32 = 2;
pub const BUS_ADRALN: i32 = 1;
pub const BUS_ADRERR: i32 = 2;
pub const ILL_ILLOPC: i32 = 1;
pub const ILL_PRVOPC: i32 = 5;
pub const TRAP_BRKPT: i32 = 1;
pub const CLD_EXITED: i32 = 1;
pub const CLD_KILLED: i32 = 2;
pub const CLD_DUMPED: i32 = 3;
pub const CLD_TRAPPED: i32 = 4;
pub const CLD_STOPPED: i32 = 5;
pub const CLD_CONTINUED: i32 = 6;

/// A set of signals: bit `n - 1` stands for signal `n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);

    fn bit(sig: u32) -> u64 {
        if (1..=NSIG).contains(&sig) {
            1 << (sig - 1)
        } else {
            0
        }
    }

    pub fn contains(self, sig: u32) -> bool {
        self.0 & Self::bit(sig) != 0
    }

    pub fn add(&mut self, sig: u32) {
        self.0 |= Self::bit(sig);
    }

    pub fn remove(&mut self, sig: u32) {
        self.0 &= !Self::bit(sig);
    }
}

/// The kernel's `struct sigaction` on riscv64 (no `sa_restorer`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct SigAction {
    /// `SIG_DFL`, `SIG_IGN` or the handler's user address.
    pub sa_handler: usize,
    pub sa_flags: u64,
    pub sa_mask: SigSet,
}

/// `stack_t`, for `sigaltstack`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct StackT {
    pub ss_sp: usize,
    pub ss_flags: i32,
    pub ss_size: usize,
}

/// `siginfo_t`: 128 bytes; signo, errno and code, then a union at offset 16
/// whose fields depend on the signal. The constructors fill the members the
/// kernel sets for each case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct SigInfo {
    pub si_signo: i32,
    pub si_errno: i32,
    pub si_code: i32,
    _pad: i32,
    fields: [u64; 14],
}

impl SigInfo {
    fn with(signo: u32, code: i32) -> SigInfo {
        SigInfo { si_signo: signo as i32, si_errno: 0, si_code: code, _pad: 0, fields: [0; 14] }
    }

    /// A fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) at `addr`: `si_addr`.
    pub fn fault(signo: u32, code: i32, addr: usize) -> SigInfo {
        let mut s = SigInfo::with(signo, code);
        s.fields[0] = addr as u64;
        s
    }

    /// A signal sent by `kill`: `si_pid`, `si_uid`.
    pub fn kill(signo: u32, pid: i32, uid: u32) -> SigInfo {
        let mut s = SigInfo::with(signo, SI_USER);
        s.fields[0] = pid as u32 as u64 | (uid as u64) << 32;
        s
    }

    /// SIGCHLD for child `pid`: `si_pid`, `si_uid`, `si_status` (the exit code
    /// for `CLD_EXITED`, the signal otherwise), `si_utime`, `si_stime`.
    pub fn child(code: i32, pid: i32, uid: u32, status: i32, utime: i64, stime: i64) -> SigInfo {
        let mut s = SigInfo::kill(SIGCHLD, pid, uid);
        s.si_code = code;
        s.fields[1] = status as u32 as u64;
        s.fields[2] = utime as u64;
        s.fields[3] = stime as u64;
        s
    }

    /// `si_addr` of a fault.
    pub fn si_addr(&self) -> usize {
        self.fields[0] as usize
    }

    /// `si_pid` of a kill or SIGCHLD.
    pub fn si_pid(&self) -> i32 {
        self.fields[0] as u32 as i32
    }

    /// `si_uid` of a kill or SIGCHLD.
    pub fn si_uid(&self) -> u32 {
        (self.fields[0] >> 32) as u32
    }

    /// `si_status` of SIGCHLD.
    pub fn si_status(&self) -> i32 {
        self.fields[1] as u32 as i32
    }
}

impl Default for SigInfo {
    fn default() -> SigInfo {
        SigInfo::with(0, 0)
    }
}

/// `struct sigcontext` (arch/riscv/include/uapi/asm/sigcontext.h): the
/// general registers as `struct user_regs_struct` (pc in slot 0, then x1-x31,
/// see [`REG_PC`]), then the F/D/Q state (`union __riscv_fp_state`, 528
/// bytes, 16-byte aligned; the kernel fills the D layout, f0-f31 then fcsr).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(16))]
pub struct SigContext {
    pub sc_regs: [u64; 32],
    pub sc_fpregs: [u64; 66],
}

impl Default for SigContext {
    fn default() -> SigContext {
        SigContext { sc_regs: [0; 32], sc_fpregs: [0; 66] }
    }
}

/// Slots of [`SigContext::sc_regs`] (glibc's `REG_PC`, `REG_RA`, ...): slot
/// n > 0 holds register xn.
pub const REG_PC: usize = 0;
pub const REG_RA: usize = 1;
pub const REG_SP: usize = 2;
pub const REG_A0: usize = 10;

/// `struct ucontext` on riscv64 (arch/riscv/include/uapi/asm/ucontext.h), the
/// third argument of an `SA_SIGINFO` handler: the interrupted context, which
/// `rt_sigreturn` restores, so a handler may change it (its pc, to resume
/// elsewhere). The mask is followed by room for a 1024-bit `sigset_t`;
/// `uc_mcontext` is at offset 176.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct UContext {
    pub uc_flags: u64,
    pub uc_link: u64,
    pub uc_stack: StackT,
    pub uc_sigmask: SigSet,
    pub unused: [u8; 120],
    /// Alignment padding before `uc_mcontext`, spelled out.
    pub pad: u64,
    pub uc_mcontext: SigContext,
}

impl Default for UContext {
    fn default() -> UContext {
        UContext {
            uc_flags: 0,
            uc_link: 0,
            uc_stack: StackT::default(),
            uc_sigmask: SigSet::EMPTY,
            unused: [0; 120],
            pad: 0,
            uc_mcontext: SigContext::default(),
        }
    }
}

impl UContext {
    /// Register slot `reg` ([`REG_PC`], [`REG_SP`], or n for xn).
    pub fn reg(&self, reg: usize) -> u64 {
        self.uc_mcontext.sc_regs[reg]
    }

    pub fn set_reg(&mut self, reg: usize, value: u64) {
        self.uc_mcontext.sc_regs[reg] = value;
    }
}

/// `struct rt_sigframe` (arch/riscv/kernel/signal.c): what the kernel pushes
/// on the user stack (16-byte aligned) before running a handler with
/// `a0 = signo`, `a1 = &info`, `a2 = &uc` and `ra` at the return trampoline
/// (riscv64 has no `SA_RESTORER`); `rt_sigreturn` finds it at `sp`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct RtSigFrame {
    pub info: SigInfo,
    pub uc: UContext,
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn numbers_match_asm_generic() {
        assert_eq!((SIGHUP, SIGINT, SIGKILL, SIGSEGV, SIGPIPE, SIGTERM), (1, 2, 9, 11, 13, 15));
        assert_eq!((SIGCHLD, SIGCONT, SIGSTOP, SIGSYS), (17, 18, 19, 31));
        assert_eq!(SIGNALS.len(), 31);
        assert!(SIGNALS.iter().enumerate().all(|(i, s)| s.0 == i as u32 + 1));
        assert_eq!(signal_name(11), Some("SIGSEGV"));
        assert_eq!(signal_description(9), Some("Killed"));
        assert_eq!((signal_name(0), signal_name(32)), (None, None));
        assert_eq!(
            (SA_SIGINFO, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND),
            (4, 0x8000000, 0x10000000, 0x40000000, 0x80000000)
        );
        assert_eq!((SEGV_MAPERR, SEGV_ACCERR, CLD_EXITED, CLD_KILLED), (1, 2, 1, 2));
    }

    #[test]
    fn layouts_match_riscv64() {
        assert_eq!(size_of::<SigAction>(), 24);
        assert_eq!((offset_of!(SigAction, sa_flags), offset_of!(SigAction, sa_mask)), (8, 16));
        assert_eq!(size_of::<StackT>(), 24);
        assert_eq!((offset_of!(StackT, ss_flags), offset_of!(StackT, ss_size)), (8, 16));
        assert_eq!(size_of::<SigInfo>(), 128);
        assert_eq!(offset_of!(SigInfo, fields), 16);
        assert_eq!(size_of::<SigSet>(), SIGSET_SIZE);
    }

    #[test]
    fn signal_frame_matches_riscv64_linux() {
        assert_eq!(core::mem::align_of::<SigContext>(), 16);
        assert_eq!(offset_of!(SigContext, sc_fpregs), 256);
        assert_eq!(offset_of!(UContext, uc_stack), 16);
        assert_eq!(offset_of!(RtSigFrame, uc), 128);
        assert_eq!(size_of::<RtSigFrame>(), 1088);
        let fields = 8 + 8 + size_of::<StackT>() + 8 + 128 + size_of::<SigContext>();
        assert_eq!(fields, size_of::<UContext>(), "no hidden padding");
    }

    #[test]
    fn siginfo_members_land_where_linux_puts_them() {
        let f = SigInfo::fault(SIGSEGV, SEGV_ACCERR, 0xdead_beef);
        assert_eq!((f.si_signo, f.si_code, f.si_addr()), (11, 2, 0xdead_beef));
        let c = SigInfo::child(CLD_EXITED, 7, 0, 42, 1, 2);
        // SAFETY: SigInfo is repr(C), 128 bytes of plain integers.
        let bytes: [u8; 128] = unsafe { core::mem::transmute(c) };
        assert_eq!(i32::from_ne_bytes(bytes[16..20].try_into().unwrap()), 7, "si_pid at 16");
        assert_eq!(i32::from_ne_bytes(bytes[24..28].try_into().unwrap()), 42, "si_status at 24");
        assert_eq!(i64::from_ne_bytes(bytes[32..40].try_into().unwrap()), 1, "si_utime at 32");
        assert_eq!((c.si_pid(), c.si_status(), c.si_code), (7, 42, CLD_EXITED));
    }

    #[test]
    fn sigset_bits() {
        let mut s = SigSet::EMPTY;
        s.add(SIGCHLD);
        assert_eq!(s.0, 1 << 16);
        assert!(s.contains(SIGCHLD) && !s.contains(SIGINT) && !s.contains(0) && !s.contains(65));
        s.remove(SIGCHLD);
        assert_eq!(s, SigSet::EMPTY);
    }
}
