// Harts, processes and the registers saved when switching between them.
#pragma once
#include "spinlock.h"
#include "param.h"

// Callee-saved registers, saved by swtch.
struct context {
  uint64 ra, sp;
  uint64 s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
};

// Per-hart state.
struct cpu {
  struct proc *proc;       // running here, or 0
  struct context context;  // swtch() here to enter scheduler()
  int noff;                // depth of push_off()
  int intena;              // interrupts enabled before push_off()?
};
extern struct cpu cpus[NCPU];

// The user registers, saved by uservec in trampoline.S at TRAPFRAME; the
// first five words let uservec get back into the kernel.
struct trapframe {
  /*   0 */ uint64 kernel_satp;
  /*   8 */ uint64 kernel_sp;
  /*  16 */ uint64 kernel_trap;   // usertrap()
  /*  24 */ uint64 epc;           // user pc
  /*  32 */ uint64 kernel_hartid; // kernel tp
  /*  40 */ uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7;
  /* 176 */ uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
};

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  struct spinlock lock;
  // p->lock guards these:
  enum procstate state;
  void *chan;   // sleeping on
  int killed;
  int xstate;   // exit status for wait
  int pid;
  // wait_lock guards this:
  struct proc *parent;
  // private to the process:
  uint64 kstack;
  uint64 sz;    // user memory size in bytes
  pagetable_t pagetable;
  struct trapframe *trapframe;
  struct context context;
  struct file *ofile[NOFILE];
  struct inode *cwd;
  char name[16];
};
