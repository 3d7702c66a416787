//! A thread (Linux's task): its kernel stack (with the trap frame at the
//! top), its saved kernel context, its signal mask and pending signals; and,
//! shared with the other threads of its thread group (its process), the
//! address space, descriptors and working directory (`inner`) and the
//! signal actions, process-directed pending signals and group exit status
//! (`signals`). A process of one thread is a group of one: its tid (`pid`)
//! is its tgid.
//!
//! The scheduling state, parent, pending and blocked signals are `Cell`s so
//! that waking and signalling never borrow `inner`; everything else is in
//! `inner`, borrowed briefly and never across a context switch.

use super::fpu::FpState;
use super::signal::SignalState;
use crate::fs::vfs::FdTable;
use crate::memlayout::MAX_PROCS;
use crate::mm::address_space::{AddressSpace, VmStats};
use crate::mm::frame::OutOfMemory;
use crate::mm::kernel_space::KernelStack;
use crate::sync::Global;
use crate::trap::TrapFrame;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, RefCell, UnsafeCell};
use sv39_abi::signal::{SigInfo, SigSet, StackT};

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
    /// A futex wait (the futex queue says on which word).
    Futex,
    /// A request on virtio disk N completing.
    Disk(usize),
    /// virtio-9p device N answering, or free for the next request.
    Share(usize),
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
    /// Shared by the threads, and for a while by a vfork child.
    pub space: Option<Rc<RefCell<AddressSpace>>>,
    pub files: FdTable,
    pub cwd: String,
    /// System calls already reported as unknown, one bit each.
    pub unknown_reported: [u64; 8],
}

impl Inner {
    pub fn new(name: String, space: Option<AddressSpace>, files: FdTable, cwd: String) -> Inner {
        let space = space.map(|s| Rc::new(RefCell::new(s)));
        Inner { name, space, files, cwd, unknown_reported: [0; 8] }
    }
}

/// What a process used (getrusage, wait4): fault counts and the most pages
/// it had resident.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub vm: VmStats,
    pub max_resident: usize,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.vm.add(other.vm);
        self.max_resident = self.max_resident.max(other.max_resident);
    }
}

pub struct Process {
    /// The thread id; the process id is `tgid`.
    pub pid: Pid,
    pub tgid: Pid,
    slot: usize,
    kstack: KernelStack,
    context: UnsafeCell<Context>,
    pub state: Cell<State>,
    pub ppid: Cell<Pid>,
    /// A fatal signal to act on before returning to user mode.
    pub killed: Cell<Option<u32>>,
    /// Signals sent to this thread and not yet delivered (their siginfo
    /// in `infos`), and those it blocks.
    pub pending: Cell<SigSet>,
    pub infos: RefCell<BTreeMap<u32, SigInfo>>,
    pub blocked: Cell<SigSet>,
    pub altstack: Cell<StackT>,
    /// The thread group's actions, pending signals and exit status.
    pub signals: Rc<RefCell<SignalState>>,
    /// The system call a signal interrupted (EINTR), for SA_RESTART.
    pub interrupted_syscall: Cell<Option<usize>>,
    /// When a timed sleep ends (ns since boot).
    pub wake_at: Cell<Option<u64>>,
    /// Its own usage once it has exited, and that of its reaped children.
    pub usage: Cell<Usage>,
    pub children_usage: Cell<Usage>,
    /// f0-f31 and fcsr while not in the hart's registers (proc/fpu.rs).
    pub fp: Cell<FpState>,
    /// CLONE_CHILD_SETTID: where the child stores its tid before it first
    /// runs in user mode (0: nowhere).
    pub set_child_tid: Cell<u64>,
    /// The parent asleep in a vfork until this process execs or exits (0: none).
    pub vfork_parent: Cell<Pid>,
    /// prctl(PR_SET_NAME)'s name of this thread (None: the process's).
    pub comm: RefCell<Option<String>>,
    /// The path of the running program (/proc/self/exe).
    pub exe: RefCell<String>,
    /// set_tid_address, CLONE_CHILD_CLEARTID: zeroed and futex-woken at exit.
    pub clear_child_tid: Cell<u64>,
    /// set_robust_list's head, walked at exit (proc/robust.rs).
    pub robust_list: Cell<u64>,
    /// The thread group's: shared by every thread of the process.
    pub inner: Rc<RefCell<Inner>>,
}

/// What a new thread shares with the thread that makes it, or a new
/// process copies.
pub struct Shared {
    pub tgid: Pid,
    pub inner: Rc<RefCell<Inner>>,
    pub signals: Rc<RefCell<SignalState>>,
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
    let p = super::scheduler::current();
    if let Some(sig) = p.killed.get() {
        // Its group ended (exit_group, a fatal signal) before it first ran.
        drop(p);
        super::exit_group(sv39_abi::wait::W_TERMSIG_STATUS(sig));
    }
    let tid_at = p.set_child_tid.take();
    if tid_at != 0 {
        // A tid that cannot be stored is ignored, as in Linux.
        let _ = crate::mm::uaccess::write_value(tid_at, &p.pid);
    }
    let frame = p.trap_frame();
    // SAFETY: the frame is the current process's, filled by fork or exec.
    super::fpu::restore(&p, unsafe { &*frame });
    drop(p);
    // SAFETY: as above.
    unsafe { return_to_user(frame) }
}

impl Process {
    /// A runnable thread whose first return to user mode uses `frame`.
    pub fn new(pid: Pid, ppid: Pid, frame: &TrapFrame, shared: Shared) -> Result<Process, SpawnError> {
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
            tgid: shared.tgid,
            slot,
            kstack,
            context: UnsafeCell::new(Context::default()),
            state: Cell::new(State::Runnable),
            ppid: Cell::new(ppid),
            killed: Cell::new(None),
            pending: Cell::new(SigSet::EMPTY),
            infos: RefCell::new(BTreeMap::new()),
            blocked: Cell::new(SigSet::EMPTY),
            altstack: Cell::new(super::signal::DISABLED),
            signals: shared.signals,
            interrupted_syscall: Cell::new(None),
            wake_at: Cell::new(None),
            usage: Cell::new(Usage::default()),
            children_usage: Cell::new(Usage::default()),
            fp: Cell::new(FpState::default()),
            set_child_tid: Cell::new(0),
            vfork_parent: Cell::new(0),
            comm: RefCell::new(None),
            exe: RefCell::new(String::new()),
            clear_child_tid: Cell::new(0),
            robust_list: Cell::new(0),
            inner: shared.inner,
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

    /// Whether this thread leads its group (its tid is the pid).
    pub fn is_leader(&self) -> bool {
        self.pid == self.tgid
    }

    /// This thread's name: prctl(PR_SET_NAME)'s, else the process's.
    pub fn thread_name(&self) -> String {
        self.comm.borrow().clone().unwrap_or_else(|| self.inner.borrow().name.clone())
    }

    /// Signals pending for this thread or its process.
    pub fn all_pending(&self) -> SigSet {
        SigSet(self.pending.get().0 | self.signals.borrow().pending().0)
    }

    /// Whether a signal waits to be acted on: an interruptible sleep ends.
    pub fn signal_pending(&self) -> bool {
        self.killed.get().is_some() || self.all_pending().0 & !self.blocked.get().0 != 0
    }

    /// Usage so far (of the whole process: the threads share the address
    /// space and its counts): fault counts and peak of the live address
    /// space, or what was recorded at exit.
    pub fn own_usage(&self) -> Usage {
        match &self.inner.borrow().space {
            Some(s) => {
                let s = s.borrow();
                Usage { vm: s.stats(), max_resident: s.resident_pages().1 }
            }
            None => self.usage.get(),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        SLOTS.borrow_mut()[self.slot] = false;
    }
}
