//! Signals, as Linux delivers them on riscv64.
//!
//! A signal sent to a thread ([`send`]: tgkill, a fault) or to a process
//! ([`send_to_process`]: kill, SIGCHLD) is pending until a thread next
//! returns to user mode ([`deliver`]), unless the process ignores it (then
//! it is dropped at once) or blocks it (then it waits). A process-directed
//! signal is pending for the process and taken by the first thread to
//! return to user mode with it unblocked; the kernel wakes one such thread
//! (the leader if it can, as Linux's complete_signal). An action that
//! terminates ends the whole thread group. Delivery runs the
//! default action (terminate, or nothing for SIGCHLD, SIGURG, SIGWINCH,
//! SIGCONT and the stop signals, which have no job control here to act on)
//! or the handler: the kernel pushes a `struct rt_sigframe` (siginfo, then
//! a ucontext holding the interrupted registers, signal mask and altstack)
//! on the user stack or the alternate stack, and enters the handler with
//! `a0 = signo`, `a1 = &info`, `a2 = &uc` and `ra` at the trampoline of the
//! `[vdso]` page, whose `rt_sigreturn` ([`sigreturn`]) puts it all back.
//!
//! A fault's signal ([`force_fault`]) is delivered with `si_addr` and
//! `si_code` if the process handles it; if it ignores or blocks it, or
//! leaves it at its default, the process dies (one report line first).

use super::process::Process;
use super::scheduler;
use crate::mm::uaccess::{bytes_of, copy_from_user, copy_to_user};
use crate::trap::TrapFrame;
use alloc::collections::BTreeMap;
use core::mem::{offset_of, size_of};
use sv39_abi::signal::*;
use sv39_abi::syscall as nr;
use sv39_abi::Errno;

/// SIGKILL and SIGSTOP can be neither caught, ignored nor blocked.
fn uncatchable() -> SigSet {
    let mut s = SigSet::EMPTY;
    s.add(SIGKILL);
    s.add(SIGSTOP);
    s
}

/// A thread group's signal state (Linux's sighand and signal_struct): the
/// actions, the signals pending for the process with the siginfo of each
/// (one instance per signal, as for standard signals), and the group's
/// exit status once exit_group or a fatal signal has decided it.
pub struct SignalState {
    actions: [SigAction; NSIG as usize],
    pending: SigSet,
    infos: BTreeMap<u32, SigInfo>,
    pub exit_status: Option<i32>,
    /// The thread running an execve that ends the others (Linux's
    /// group_exec_task): their deaths do not end the process.
    pub exec_thread: Option<u32>,
    /// The process group, session and controlling terminal.
    pub job: super::session::Job,
}

pub const DISABLED: StackT = StackT { ss_sp: 0, ss_flags: SS_DISABLE, ss_size: 0 };

impl Default for SignalState {
    fn default() -> Self {
        SignalState {
            actions: [SigAction::default(); NSIG as usize],
            pending: SigSet::EMPTY,
            infos: BTreeMap::new(),
            exit_status: None,
            exec_thread: None,
            job: super::session::Job::default(),
        }
    }
}

impl SignalState {
    /// What a child inherits at fork: the actions, its group, session and
    /// terminal; nothing pending.
    pub fn for_child(&self) -> SignalState {
        let job = super::session::Job { execed: false, ..self.job };
        SignalState { actions: self.actions, job, ..SignalState::default() }
    }

    /// The process-directed signals pending.
    pub fn pending(&self) -> SigSet {
        self.pending
    }
}

/// What happens to a signal.
enum Disposition {
    Ignore,
    Terminate,
    Handle(SigAction),
}

/// Whether `sig`'s default action is to do nothing.
fn ignored_by_default(sig: u32) -> bool {
    matches!(sig, SIGCHLD | SIGURG | SIGWINCH | SIGCONT | SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU)
}

fn disposition(p: &Process, sig: u32) -> Disposition {
    let action = p.signals.borrow().actions[sig as usize - 1];
    match action.sa_handler {
        SIG_IGN => Disposition::Ignore,
        SIG_DFL if ignored_by_default(sig) => Disposition::Ignore,
        SIG_DFL => Disposition::Terminate,
        _ => Disposition::Handle(action),
    }
}

fn valid(sig: u32) -> bool {
    (1..=NSIG).contains(&sig)
}

/// Whether `sig` sent to `p` is dropped at once: ignored and not blocked.
fn discarded(p: &Process, sig: u32) -> bool {
    !p.blocked.get().contains(sig) && matches!(disposition(p, sig), Disposition::Ignore)
}

/// Sends the signal `info` describes to thread `p` (tkill, tgkill).
pub fn send(p: &Process, info: SigInfo) {
    let sig = info.si_signo as u32;
    if !valid(sig) || p.is_zombie() {
        return;
    }
    if sig == SIGKILL {
        return kill_group(p, SIGKILL);
    }
    if discarded(p, sig) {
        return;
    }
    let mut pending = p.pending.get();
    if !pending.contains(sig) {
        pending.add(sig);
        p.pending.set(pending);
        p.infos.borrow_mut().insert(sig, info);
    }
    if !p.blocked.get().contains(sig) {
        scheduler::interrupt(p);
    }
}

/// Sends the signal `info` describes to the process of thread `p` (kill,
/// SIGCHLD): pending for the process, and one thread that does not block
/// it is woken to take it (the leader first, then in tid order).
pub fn send_to_process(p: &Process, info: SigInfo) {
    let sig = info.si_signo as u32;
    let threads = scheduler::threads(p.tgid);
    let Some(first) = threads.iter().find(|t| !t.is_zombie()) else { return };
    if !valid(sig) {
        return;
    }
    if sig == SIGKILL {
        return kill_group(first, SIGKILL);
    }
    if threads.iter().all(|t| t.is_zombie() || discarded(t, sig)) {
        return;
    }
    {
        let mut group = first.signals.borrow_mut();
        if !group.pending.contains(sig) {
            group.pending.add(sig);
            group.infos.insert(sig, info);
        }
    }
    if let Some(t) = threads.iter().find(|t| !t.is_zombie() && !t.blocked.get().contains(sig)) {
        scheduler::interrupt(t);
    }
}

/// Ends every thread of `p`'s group with `sig` (SIGKILL, a fatal signal,
/// exit_group): each dies on its way back to user mode.
pub fn kill_group(p: &Process, sig: u32) {
    for t in scheduler::threads(p.tgid) {
        scheduler::kill(&t, sig);
    }
}

/// A fault's signal for the current process `p`: queued if a handler will
/// take it; `false` when it must kill the process instead.
pub fn force_fault(p: &Process, info: SigInfo) -> bool {
    let sig = info.si_signo as u32;
    let handled = !p.blocked.get().contains(sig) && matches!(disposition(p, sig), Disposition::Handle(_));
    if handled {
        let mut pending = p.pending.get();
        pending.add(sig);
        p.pending.set(pending);
        p.infos.borrow_mut().insert(sig, info);
    }
    handled
}

/// System calls that start over after a handler with SA_RESTART ran
/// (Linux's ERESTARTSYS cases among ours).
fn restartable(syscall: usize) -> bool {
    matches!(syscall, nr::READ | nr::WRITE | nr::READV | nr::WRITEV | nr::WAIT4)
}

/// Delivers what is pending and unblocked before `p` returns to user mode
/// with `frame`: handlers get a frame each; a fatal signal sets `killed`.
pub fn deliver(p: &Process, frame: &mut TrapFrame) {
    let interrupted_call = p.interrupted_syscall.take();
    loop {
        if p.killed.get().is_some() {
            return;
        }
        let Some((sig, info)) = take_ready(p) else { return };
        match disposition(p, sig) {
            Disposition::Ignore => {}
            Disposition::Terminate => p.killed.set(Some(sig)),
            Disposition::Handle(action) => {
                if action.sa_flags & SA_RESTART != 0 && interrupted_call.is_some_and(restartable) {
                    frame.sepc -= 4;
                    frame.regs[10] = frame.orig_a0;
                }
                run_handler(p, frame, sig, &info, &action);
            }
        }
    }
}

/// Takes the lowest unblocked signal pending for thread `p`, its own
/// first, then its process's.
fn take_ready(p: &Process) -> Option<(u32, SigInfo)> {
    let unblocked = !p.blocked.get().0;
    let own = p.pending.get().0 & unblocked;
    if own != 0 {
        let sig = own.trailing_zeros() + 1;
        let mut pending = p.pending.get();
        pending.remove(sig);
        p.pending.set(pending);
        let info = p.infos.borrow_mut().remove(&sig);
        return Some((sig, info.unwrap_or_else(|| SigInfo::kill(sig, 0, 0))));
    }
    let mut group = p.signals.borrow_mut();
    let shared = group.pending.0 & unblocked;
    if shared == 0 {
        return None;
    }
    let sig = shared.trailing_zeros() + 1;
    group.pending.remove(sig);
    let info = group.infos.remove(&sig);
    Some((sig, info.unwrap_or_else(|| SigInfo::kill(sig, 0, 0))))
}

/// Sets `frame` up to enter the handler of `action` for `sig`.
fn run_handler(p: &Process, frame: &mut TrapFrame, sig: u32, info: &SigInfo, action: &SigAction) {
    let trampoline = p.inner.borrow().space.as_ref().map_or(0, |s| s.borrow().vdso());
    let Some(at) = push_frame(p, frame, info, action) else {
        crate::println!(
            "[kernel] pid {} ({}): SIGSEGV: cannot push the frame for signal {sig} below sp {:#x}",
            p.pid,
            p.inner.borrow().name,
            frame.regs[2]
        );
        return p.killed.set(Some(SIGSEGV));
    };
    frame.regs[1] = trampoline;
    frame.regs[2] = at;
    frame.regs[10] = sig as u64;
    frame.regs[11] = at + OFF_INFO as u64;
    frame.regs[12] = at + OFF_UC as u64;
    frame.sepc = action.sa_handler as u64;
    let mut blocked = p.blocked.get();
    blocked.0 |= action.sa_mask.0;
    if action.sa_flags & SA_NODEFER == 0 {
        blocked.add(sig);
    }
    blocked.0 &= !uncatchable().0;
    p.blocked.set(blocked);
    if action.sa_flags & SA_RESETHAND != 0 {
        p.signals.borrow_mut().actions[sig as usize - 1] = SigAction::default();
    }
}

// Where the parts of a `struct rt_sigframe` lie (sv39_abi::signal).
const FRAME_SIZE: usize = size_of::<RtSigFrame>();
const OFF_INFO: usize = offset_of!(RtSigFrame, info);
const OFF_UC: usize = offset_of!(RtSigFrame, uc);
const OFF_STACK: usize = OFF_UC + offset_of!(UContext, uc_stack);
const OFF_MASK: usize = OFF_UC + offset_of!(UContext, uc_sigmask);
const OFF_REGS: usize = OFF_UC + offset_of!(UContext, uc_mcontext) + offset_of!(SigContext, sc_regs);
/// The D layout of `sc_fpregs`: f0-f31, then fcsr (as FpState, proc/fpu.rs).
const OFF_FP: usize = OFF_UC + offset_of!(UContext, uc_mcontext) + offset_of!(SigContext, sc_fpregs);

/// Writes `p`'s FP state (current while in the kernel) to the frame in `buf`.
fn put_fp(buf: &mut [u8], p: &Process) {
    let fp = p.fp.get();
    for (i, f) in fp.f.iter().enumerate() {
        put_u64(buf, OFF_FP + 8 * i, *f);
    }
    put_u64(buf, OFF_FP + 8 * 32, fp.fcsr & 0xffff_ffff);
}

/// The FP state saved in the frame in `buf`.
fn get_fp(buf: &[u8]) -> super::fpu::FpState {
    let mut fp = super::fpu::FpState { fcsr: get_u64(buf, OFF_FP + 8 * 32) & 0xffff_ffff, ..Default::default() };
    for (i, f) in fp.f.iter_mut().enumerate() {
        *f = get_u64(buf, OFF_FP + 8 * i);
    }
    fp
}

fn put_u64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn get_u64(buf: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Writes a `stack_t` at `at` of `buf` (its padding zero).
fn put_stack(buf: &mut [u8], at: usize, s: &StackT) {
    put_u64(buf, at + offset_of!(StackT, ss_sp), s.ss_sp as u64);
    put_u64(buf, at + offset_of!(StackT, ss_flags), s.ss_flags as u32 as u64);
    put_u64(buf, at + offset_of!(StackT, ss_size), s.ss_size as u64);
}

fn get_stack(buf: &[u8], at: usize) -> StackT {
    StackT {
        ss_sp: get_u64(buf, at + offset_of!(StackT, ss_sp)) as usize,
        ss_flags: get_u64(buf, at + offset_of!(StackT, ss_flags)) as u32 as i32,
        ss_size: get_u64(buf, at + offset_of!(StackT, ss_size)) as usize,
    }
}

/// Linux's `on_sig_stack`: whether `sp` lies on the alternate stack.
fn on_altstack(alt: &StackT, sp: u64) -> bool {
    alt.ss_size != 0 && sp > alt.ss_sp as u64 && sp - alt.ss_sp as u64 <= alt.ss_size as u64
}

/// The altstack as `sigaltstack` and `uc_stack` report it at `sp`.
fn reported(alt: &StackT, sp: u64) -> StackT {
    let state = if alt.ss_size == 0 {
        SS_DISABLE
    } else if on_altstack(alt, sp) {
        SS_ONSTACK
    } else {
        0
    };
    StackT { ss_flags: state | (alt.ss_flags & SS_AUTODISARM), ..*alt }
}

/// Pushes the signal frame; returns its address, or `None` if it does not
/// fit (overflowing the altstack) or cannot be written.
fn push_frame(p: &Process, frame: &TrapFrame, info: &SigInfo, action: &SigAction) -> Option<u64> {
    let sp = frame.regs[2];
    let alt = p.altstack.get();
    let mut base = sp;
    if on_altstack(&alt, sp) {
        if !on_altstack(&alt, sp.wrapping_sub(FRAME_SIZE as u64)) {
            return None;
        }
    } else if action.sa_flags & SA_ONSTACK != 0 && alt.ss_size != 0 {
        base = (alt.ss_sp + alt.ss_size) as u64;
        if alt.ss_flags & SS_AUTODISARM != 0 {
            p.altstack.set(DISABLED);
        }
    }
    let at = base.checked_sub(FRAME_SIZE as u64)? & !15;
    let mut buf = [0u8; FRAME_SIZE];
    buf[OFF_INFO..OFF_INFO + size_of::<SigInfo>()].copy_from_slice(bytes_of(info));
    put_stack(&mut buf, OFF_STACK, &reported(&alt, sp));
    put_u64(&mut buf, OFF_MASK, p.blocked.get().0);
    put_u64(&mut buf, OFF_REGS, frame.sepc);
    for r in 1..32 {
        put_u64(&mut buf, OFF_REGS + 8 * r, frame.regs[r]);
    }
    put_fp(&mut buf, p);
    copy_to_user(at, &buf).ok()?;
    Some(at)
}

/// `rt_sigreturn`: restores the registers, mask and altstack saved in the
/// frame at sp; returns the restored a0. A frame that cannot be read is a
/// SIGSEGV.
pub fn sigreturn(p: &Process, frame: &mut TrapFrame) -> u64 {
    let mut buf = [0u8; FRAME_SIZE];
    if copy_from_user(&mut buf, frame.regs[2]).is_err() {
        p.killed.set(Some(SIGSEGV));
        return frame.regs[10];
    }
    frame.sepc = get_u64(&buf, OFF_REGS);
    for r in 1..32 {
        frame.regs[r] = get_u64(&buf, OFF_REGS + 8 * r);
    }
    super::fpu::set(p, get_fp(&buf));
    p.blocked.set(SigSet(get_u64(&buf, OFF_MASK) & !uncatchable().0));
    let saved = get_stack(&buf, OFF_STACK);
    let _ = set_altstack(p, &saved, frame.regs[2]);
    frame.regs[10]
}

/// `sigaltstack`'s change: `ss` becomes the alternate stack of `p`, whose
/// user sp is `sp`.
fn set_altstack(p: &Process, ss: &StackT, sp: u64) -> Result<(), Errno> {
    let alt = p.altstack.get();
    if on_altstack(&alt, sp) {
        return Err(Errno::EPERM);
    }
    let mode = ss.ss_flags & !SS_AUTODISARM;
    let new = match mode {
        SS_DISABLE => DISABLED,
        0 | SS_ONSTACK if ss.ss_size < MINSIGSTKSZ => return Err(Errno::ENOMEM),
        0 | SS_ONSTACK => StackT { ss_sp: ss.ss_sp, ss_flags: ss.ss_flags & SS_AUTODISARM, ss_size: ss.ss_size },
        _ => return Err(Errno::EINVAL),
    };
    p.altstack.set(new);
    Ok(())
}

/// The `sigaltstack` system call for `p`, whose user sp is `sp`.
pub fn sigaltstack(p: &Process, ss: u64, old: u64, sp: u64) -> Result<usize, Errno> {
    let current = reported(&p.altstack.get(), sp);
    if ss != 0 {
        let mut buf = [0u8; size_of::<StackT>()];
        copy_from_user(&mut buf, ss)?;
        set_altstack(p, &get_stack(&buf, 0), sp)?;
    }
    if old != 0 {
        let mut buf = [0u8; size_of::<StackT>()];
        put_stack(&mut buf, 0, &current);
        copy_to_user(old, &buf)?;
    }
    Ok(0)
}

/// The action for `sig` (`None`: leave it); returns the previous one.
pub fn set_action(p: &Process, sig: u32, action: Option<SigAction>) -> Result<SigAction, Errno> {
    if !valid(sig) || (action.is_some() && uncatchable().contains(sig)) {
        return Err(Errno::EINVAL);
    }
    let old = p.signals.borrow().actions[sig as usize - 1];
    if let Some(mut a) = action {
        a.sa_mask.0 &= !uncatchable().0;
        p.signals.borrow_mut().actions[sig as usize - 1] = a;
        if matches!(disposition(p, sig), Disposition::Ignore) {
            discard_pending(p, sig);
        }
    }
    Ok(old)
}

/// Forgets `sig` wherever it is pending in `p`'s process (POSIX: setting
/// a signal to be ignored discards it, even while blocked).
fn discard_pending(p: &Process, sig: u32) {
    let mut group = p.signals.borrow_mut();
    group.pending.remove(sig);
    group.infos.remove(&sig);
    drop(group);
    for t in scheduler::threads(p.tgid) {
        let mut pending = t.pending.get();
        pending.remove(sig);
        t.pending.set(pending);
        t.infos.borrow_mut().remove(&sig);
    }
}

/// `rt_sigprocmask`'s change of the mask by `how` with `set`.
pub fn change_mask(p: &Process, how: u32, set: SigSet) -> Result<(), Errno> {
    let old = p.blocked.get().0;
    let new = match how {
        SIG_BLOCK => old | set.0,
        SIG_UNBLOCK => old & !set.0,
        SIG_SETMASK => set.0,
        _ => return Err(Errno::EINVAL),
    };
    p.blocked.set(SigSet(new & !uncatchable().0));
    Ok(())
}

/// At exec: handlers go back to their defaults (ignored signals stay
/// ignored) and the alternate stack is forgotten; mask and pending stay.
pub fn reset_on_exec(p: &Process) {
    let mut s = p.signals.borrow_mut();
    for a in s.actions.iter_mut().filter(|a| a.sa_handler != SIG_IGN) {
        *a = SigAction::default();
    }
    p.altstack.set(DISABLED);
}
