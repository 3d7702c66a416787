//! The F/D state of user processes: f0-f31 and fcsr, kept per process and
//! switched lazily through `sstatus.FS`.
//!
//! A process starts with FS = Initial and zeroed registers. On each trap
//! from U-mode a Dirty state is saved into the process and marked Clean, so
//! while the kernel runs, `Process::fp` is always the process's current FP
//! state (fork copies it, signal frames read it). The hart's registers hold
//! the state of `OWNER`; returning to a process that is not the owner loads
//! its state first. The kernel itself never uses F/D.

use super::process::{Pid, Process};
use crate::sync::Global;
use crate::trap::TrapFrame;
use core::arch::global_asm;
use sv39_arch::csr::mstatus;

global_asm!(include_str!("fpu.S"), FS_INITIAL = const mstatus::FS_INITIAL);

extern "C" {
    fn fp_save(state: *mut FpState);
    fn fp_restore(state: *const FpState);
}

/// f0-f31 (NaN-boxed as the hart holds them) and fcsr (layout fixed by fpu.S).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FpState {
    pub f: [u64; 32],
    pub fcsr: u64,
}

/// The process whose FP state is in the hart's registers (0: none; pids are
/// never reused).
static OWNER: Global<Pid> = Global::new(0);

fn fs(frame: &TrapFrame) -> u64 {
    frame.sstatus & mstatus::FS
}

/// On a trap from U-mode: saves a Dirty FP state into `p` and marks it Clean.
pub fn save(p: &Process, frame: &mut TrapFrame) {
    if fs(frame) != mstatus::FS_DIRTY {
        return;
    }
    let mut state = FpState::default();
    // SAFETY: fp_save writes exactly one FpState.
    unsafe { fp_save(&mut state) };
    p.fp.set(state);
    *OWNER.borrow_mut() = p.pid;
    frame.sstatus = (frame.sstatus & !mstatus::FS) | mstatus::FS_CLEAN;
}

/// Before returning to U-mode in `p`: loads its FP state unless the hart
/// already holds it.
pub fn restore(p: &Process, frame: &TrapFrame) {
    if fs(frame) == mstatus::FS_OFF || *OWNER.borrow() == p.pid {
        return;
    }
    let state = p.fp.get();
    // SAFETY: fp_restore reads exactly one FpState.
    unsafe { fp_restore(&state) };
    *OWNER.borrow_mut() = p.pid;
}

/// Replaces `p`'s FP state (exec, sigreturn): loaded on the next return.
pub fn set(p: &Process, state: FpState) {
    p.fp.set(state);
    let mut owner = OWNER.borrow_mut();
    if *owner == p.pid {
        *owner = 0;
    }
}
