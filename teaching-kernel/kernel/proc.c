// Processes: creation, the per-hart round-robin scheduler, sleep/wakeup,
// exit/wait and kill.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"

struct cpu cpus[NCPU];
struct proc proc[NPROC];
static struct proc *initproc;
static int nextpid = 1;
static struct spinlock pid_lock;
// Guards every p->parent, so a wakeup of a waiting parent is not lost.
static struct spinlock wait_lock;

extern char trampoline[];
void forkret(void);

// Maps a kernel stack for each process slot, each under a guard page.
void proc_mapstacks(pagetable_t kpgtbl) {
  for (int i = 0; i < NPROC; i++) {
    char *pa = kalloc();
    if (pa == 0)
      panic("kalloc");
    kvmmap(kpgtbl, KSTACK(i), (uint64)pa, PGSIZE, PTE_R | PTE_W);
  }
}

void procinit(void) {
  initlock(&pid_lock, "nextpid");
  initlock(&wait_lock, "wait_lock");
  for (int i = 0; i < NPROC; i++) {
    initlock(&proc[i].lock, "proc");
    proc[i].state = UNUSED;
    proc[i].kstack = KSTACK(i);
  }
}

// This hart's number (tp, set by start()); interrupts must be off.
int cpuid(void) { return r_tp(); }

// This hart's struct cpu; interrupts must be off.
struct cpu *mycpu(void) { return &cpus[cpuid()]; }

// The process running on this hart, or 0.
struct proc *myproc(void) {
  push_off();
  struct proc *p = mycpu()->proc;
  pop_off();
  return p;
}

static int allocpid(void) {
  acquire(&pid_lock);
  int pid = nextpid++;
  release(&pid_lock);
  return pid;
}

// Frees p's memory and marks it UNUSED; p->lock held.
static void freeproc(struct proc *p) {
  if (p->trapframe)
    kfree((void *)p->trapframe);
  p->trapframe = 0;
  if (p->pagetable)
    proc_freepagetable(p->pagetable, p->sz);
  p->pagetable = 0;
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

// Finds an UNUSED slot and gives it a trapframe, an empty user page table and
// a context that starts at forkret; returns it with p->lock held, or 0.
static struct proc *allocproc(void) {
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      goto found;
    release(&p->lock);
  }
  return 0;
found:
  p->pid = allocpid();
  p->state = USED;
  if ((p->trapframe = (struct trapframe *)kalloc()) == 0 ||
      (p->pagetable = proc_pagetable(p)) == 0) {
    freeproc(p);
    release(&p->lock);
    return 0;
  }
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + PGSIZE;
  return p;
}

// A user page table holding only the trampoline and p's trapframe, or 0.
pagetable_t proc_pagetable(struct proc *p) {
  pagetable_t pagetable = uvmcreate();
  if (pagetable == 0)
    return 0;
  if (mappages(pagetable, TRAMPOLINE, PGSIZE, (uint64)trampoline, PTE_R | PTE_X) < 0) {
    uvmfree(pagetable, 0);
    return 0;
  }
  if (mappages(pagetable, TRAPFRAME, PGSIZE, (uint64)p->trapframe, PTE_R | PTE_W) < 0) {
    uvmunmap(pagetable, TRAMPOLINE, 1, 0);
    uvmfree(pagetable, 0);
    return 0;
  }
  return pagetable;
}

// Frees a user page table and the memory [0, sz) it maps.
void proc_freepagetable(pagetable_t pagetable, uint64 sz) {
  uvmunmap(pagetable, TRAMPOLINE, 1, 0);
  uvmunmap(pagetable, TRAPFRAME, 1, 0);
  uvmfree(pagetable, sz);
}

// The first process runs initcode.S (linked at USERBASE), which calls
// exec("/init"); initcode_bin.S embeds its bytes.
extern uchar initcode[], initcode_end[];

// Makes the first process, running initcode at USERBASE.
void userinit(void) {
  struct proc *p = allocproc();
  initproc = p;
  if (uvmalloc(p->pagetable, USERBASE, USERBASE + PGSIZE, PTE_W | PTE_X) == 0)
    panic("userinit");
  p->sz = USERBASE + PGSIZE;
  copyout(p->pagetable, USERBASE, (char *)initcode, initcode_end - initcode);
  p->trapframe->epc = USERBASE;
  p->trapframe->sp = USERBASE + PGSIZE;
  safestrcpy(p->name, "initcode", sizeof(p->name));
  p->cwd = 0; // set by forkret once the file system is up
  p->state = RUNNABLE;
  release(&p->lock);
}

// Grows (n > 0) or shrinks the current process's memory by n bytes; 0 or -1.
int growproc(int n) {
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    // Refuse what cannot fit rather than fill all of memory and give it back.
    if (sz + n >= TRAPFRAME || (uint64)n / PGSIZE >= kfreecount() || (sz = uvmalloc(p->pagetable, sz, sz + n, PTE_W)) == 0)
      return -1;
  } else if (n < 0) {
    if ((uint64)(-n) > sz - USERBASE)
      return -1;
    sz = uvmdealloc(p->pagetable, sz, sz + n);
  }
  p->sz = sz;
  return 0;
}

// Makes a child that is a copy of the caller; its pid to the parent, 0 to the child, or -1.
int fork(void) {
  struct proc *p = myproc(), *np;
  if ((np = allocproc()) == 0)
    return -1;
  if (uvmcopy(p->pagetable, np->pagetable, p->sz) < 0) {
    freeproc(np);
    release(&np->lock);
    return -1;
  }
  np->sz = p->sz;
  *(np->trapframe) = *(p->trapframe);
  np->trapframe->a0 = 0; // fork returns 0 in the child
  for (int i = 0; i < NOFILE; i++)
    if (p->ofile[i])
      np->ofile[i] = filedup(p->ofile[i]);
  np->cwd = idup(p->cwd);
  safestrcpy(np->name, p->name, sizeof(p->name));
  int pid = np->pid;
  release(&np->lock);

  acquire(&wait_lock);
  np->parent = p;
  release(&wait_lock);

  acquire(&np->lock);
  np->state = RUNNABLE;
  release(&np->lock);
  return pid;
}

// Gives p's children to init; wait_lock held.
static void reparent(struct proc *p) {
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

// Ends the current process with status; it stays a ZOMBIE until its parent waits.
void exit(int status) {
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exiting");
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  iput(p->cwd);
  p->cwd = 0;

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  release(&wait_lock);
  sched();
  panic("zombie exit");
}

// Waits for a child to exit, stores its status at user addr (if not 0);
// its pid, or -1 if the caller has no children.
int wait(uint64 addr) {
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int havekids = 0;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      havekids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (addr != 0 && copyout(p->pagetable, addr, (char *)&pp->xstate, sizeof(pp->xstate)) < 0) {
          release(&pp->lock);
          release(&wait_lock);
          return -1;
        }
        freeproc(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!havekids || killed(p)) {
      release(&wait_lock);
      return -1;
    }
    sleep(p, &wait_lock);
  }
}

// Each hart's loop: run each RUNNABLE process in turn, forever.
void scheduler(void) {
  struct cpu *c = mycpu();
  c->proc = 0;
  for (;;) {
    intr_on(); // let devices interrupt an idle hart
    int found = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
      acquire(&p->lock);
      if (p->state == RUNNABLE) {
        p->state = RUNNING;
        c->proc = p;
        swtch(&c->context, &p->context);
        c->proc = 0; // the process changed its state before coming back
        found = 1;
      }
      release(&p->lock);
    }
    if (!found) {
      intr_on();
      asm volatile("wfi");
    }
  }
}

// Switches to this hart's scheduler; the caller holds only p->lock and has
// changed p->state.
void sched(void) {
  struct proc *p = myproc();
  if (!holding(&p->lock))
    panic("sched p->lock");
  if (mycpu()->noff != 1)
    panic("sched locks");
  if (p->state == RUNNING)
    panic("sched running");
  if (intr_get())
    panic("sched interruptible");
  int intena = mycpu()->intena; // belongs to this kernel thread, not the hart
  swtch(&p->context, &mycpu()->context);
  mycpu()->intena = intena;
}

// Gives up the hart for one scheduling round.
void yield(void) {
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  release(&p->lock);
}

// A new process's first kernel code (from allocproc's context): release
// p->lock, set up the file system once, and return to user space.
void forkret(void) {
  static int first = 1;
  release(&myproc()->lock);
  if (first) {
    // fsinit sleeps on disk I/O, so it needs a process context.
    fsinit(ROOTDEV);
    first = 0;
    __sync_synchronize();
    myproc()->cwd = namei("/");
  }
  usertrapret();
}

// Atomically releases lk and sleeps on chan; reacquires lk when woken.
void sleep(void *chan, struct spinlock *lk) {
  struct proc *p = myproc();
  acquire(&p->lock); // wakeup() needs p->lock too, so no wakeup is missed
  release(lk);
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = 0;
  release(&p->lock);
  acquire(lk);
}

// Wakes every process sleeping on chan (not the caller); p->lock not held.
void wakeup(void *chan) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p != myproc()) {
      acquire(&p->lock);
      if (p->state == SLEEPING && p->chan == chan)
        p->state = RUNNABLE;
      release(&p->lock);
    }
  }
}

// Marks process pid killed; it exits when it next reaches user space.
int kill(int pid) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid) {
      p->killed = 1;
      if (p->state == SLEEPING)
        p->state = RUNNABLE; // wake it so it can exit
      release(&p->lock);
      return 0;
    }
    release(&p->lock);
  }
  return -1;
}

void setkilled(struct proc *p) {
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

int killed(struct proc *p) {
  acquire(&p->lock);
  int k = p->killed;
  release(&p->lock);
  return k;
}

// Copies to a user address (user_dst) or a kernel address; 0 or -1.
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len) {
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((char *)dst, src, len);
  return 0;
}

// Copies from a user address (user_src) or a kernel address; 0 or -1.
int either_copyin(void *dst, int user_src, uint64 src, uint64 len) {
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (char *)src, len);
  return 0;
}
