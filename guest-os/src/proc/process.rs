//! A process: its kernel stack (with the trap frame at the top), its saved
//! kernel context, its address space, descriptors and working directory.
//!
//! The scheduling state, parent and pending kill are `Cell`s so that waking
//! and killing never borrow `inner`; everything else is in `inner`, borrowed
//! briefly and never across a context switch.

use crate::fs::vfs::FdTable;
use crate::memlayout::MAX_PROCS;
use crate::mm::address_space::AddressSpace;
use crate::mm::frame::OutOfMemory;
use crate::mm::kernel_space::KernelStack;
use crate::sync::Global;
use crate::trap::TrapFrame;
use alloc::string::String;
use core::cell::{Cell, RefCell, UnsafeCell};

pub type Pid = u32;

/// What a sleeping process waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Console,
    /// A pipe, named by its address.
    Pipe(usize),
    /// A child of this pid changing state (wait4).
    Child(Pid),
    /// The next timer tick (nanosleep).
    Timer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Runnable,
    Running,
    Sleeping(Channel),
    /// Exited with this wait status, waiting to be reaped.
    Zombie(i32),
}

/// The registers `switch_context` saves: ra, sp, s0-s11.
#[repr(C)]
#[derive(Default)]
pub struct Context {
    pub ra: u64,
    pub sp: u64,
    pub s: [u64; 12],
}

pub struct Inner {
    /// The command name (`comm`), at most 15 bytes as in Linux.
    pub name: String,
    pub space: Option<AddressSpace>,
    pub files: FdTable,
    pub cwd: String,
    /// set_tid_address: cleared (and futex-woken, issue 4) at exit.
    pub clear_child_tid: u64,
}

pub struct Process {
    pub pid: Pid,
    slot: usize,
    kstack: KernelStack,
    context: UnsafeCell<Context>,
    pub state: Cell<State>,
    pub ppid: Cell<Pid>,
    /// A fatal signal to act on before returning to user mode.
    pub killed: Cell<Option<u32>>,
    pub inner: RefCell<Inner>,
}

/// Kernel-stack slots in use.
static SLOTS: Global<[bool; MAX_PROCS]> = Global::new([false; MAX_PROCS]);

/// Why a process could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpawnError {
    /// MAX_PROCS reached (EAGAIN).
    TooMany,
    NoMemory,
}

impl From<OutOfMemory> for SpawnError {
    fn from(_: OutOfMemory) -> Self {
        SpawnError::NoMemory
    }
}

fn take_slot() -> Result<usize, SpawnError> {
    let mut slots = SLOTS.borrow_mut();
    let slot = slots.iter().position(|used| !used).ok_or(SpawnError::TooMany)?;
    slots[slot] = true;
    Ok(slot)
}

extern "C" {
    fn return_to_user(frame: *mut TrapFrame) -> !;
}

/// Where a new process's kernel thread starts: straight out to user mode.
extern "C" fn first_return() -> ! {
    let frame = super::scheduler::current().trap_frame();
    // SAFETY: the frame is the current process's, filled by fork or exec.
    unsafe { return_to_user(frame) }
}

impl Process {
    /// A runnable process whose first return to user mode uses `frame`.
    pub fn new(pid: Pid, ppid: Pid, frame: &TrapFrame, inner: Inner) -> Result<Process, SpawnError> {
        let slot = take_slot()?;
        let kstack = match KernelStack::new(slot) {
            Ok(k) => k,
            Err(e) => {
                SLOTS.borrow_mut()[slot] = false;
                return Err(e.into());
            }
        };
        let p = Process {
            pid,
            slot,
            kstack,
            context: UnsafeCell::new(Context::default()),
            state: Cell::new(State::Runnable),
            ppid: Cell::new(ppid),
            killed: Cell::new(None),
            inner: RefCell::new(inner),
        };
        let tf = p.trap_frame();
        // SAFETY: the trap frame lies at the top of the new, mapped kernel stack.
        unsafe {
            let mut first = *frame;
            first.kernel_sp = tf as u64;
            tf.write(first);
            let ctx = &mut *p.context.get();
            ctx.ra = first_return as *const () as u64;
            ctx.sp = tf as u64;
        }
        Ok(p)
    }

    /// The trap frame at the top of the kernel stack.
    pub fn trap_frame(&self) -> *mut TrapFrame {
        (self.kstack.top() - core::mem::size_of::<TrapFrame>() as u64) as *mut TrapFrame
    }

    /// The saved kernel context, for `switch_context` only.
    pub fn context(&self) -> *mut Context {
        self.context.get()
    }

    pub fn is_zombie(&self) -> bool {
        matches!(self.state.get(), State::Zombie(_))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        SLOTS.borrow_mut()[self.slot] = false;
    }
}
