// Traps: from user space (system calls, faults, interrupts) via the
// trampoline, and from the kernel via kernelvec; the device interrupt dispatch.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"

struct spinlock tickslock;
uint ticks; // clock ticks since boot, counted on hart 0

extern char trampoline[], uservec[], userret[];
void kernelvec(void);
static int devintr(void);

void trapinit(void) { initlock(&tickslock, "time"); }

// Kernel traps on this hart go to kernelvec.
void trapinithart(void) { CSR_WRITE(stvec, kernelvec); }

// Kills the current process for an exception it caused, and says why.
static void user_fault(struct proc *p, uint64 scause) {
  printf("usertrap: pid %d (%s) killed: scause %p sepc %p stval %p\n", p->pid, p->name,
         scause, CSR_READ(sepc), CSR_READ(stval));
  setkilled(p);
}

// Handles a trap from user space (called by uservec on the kernel stack).
void usertrap(void) {
  if ((CSR_READ(sstatus) & SSTATUS_SPP) != 0)
    panic("usertrap: not from user mode");
  CSR_WRITE(stvec, kernelvec); // traps taken from now on are the kernel's
  struct proc *p = myproc();
  p->trapframe->epc = CSR_READ(sepc);
  uint64 scause = CSR_READ(scause);
  int which_dev = 0;
  if (scause == EXC_ECALL_U) {
    if (killed(p))
      exit(-1);
    p->trapframe->epc += 4; // return after the ecall
    intr_on();              // sepc, scause, sstatus are saved
    syscall();
  } else if ((which_dev = devintr()) == 0) {
    user_fault(p, scause);
  }
  if (killed(p))
    exit(-1);
  if (which_dev == 2)
    yield(); // clock tick: next process
  usertrapret();
}

// Returns to user space through userret in the trampoline.
void usertrapret(void) {
  struct proc *p = myproc();
  intr_off(); // until sret, a trap would go to uservec from S-mode
  CSR_WRITE(stvec, TRAMPOLINE + (uservec - trampoline));
  p->trapframe->kernel_satp = CSR_READ(satp);
  p->trapframe->kernel_sp = p->kstack + PGSIZE;
  p->trapframe->kernel_trap = (uint64)usertrap;
  p->trapframe->kernel_hartid = r_tp();
  uint64 x = CSR_READ(sstatus);
  x &= ~SSTATUS_SPP; // sret to U-mode
  x |= SSTATUS_SPIE; // with interrupts enabled
  CSR_WRITE(sstatus, x);
  CSR_WRITE(sepc, p->trapframe->epc);
  uint64 satp = MAKE_SATP(p->pagetable);
  ((void (*)(uint64))(TRAMPOLINE + (userret - trampoline)))(satp);
}

// Handles an interrupt taken in the kernel (called by kernelvec); any
// exception here is a kernel bug.
void kerneltrap(void) {
  uint64 sepc = CSR_READ(sepc), sstatus = CSR_READ(sstatus), scause = CSR_READ(scause);
  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");
  int which_dev = devintr();
  if (which_dev == 0) {
    printf("kerneltrap: scause %p sepc %p stval %p\n", scause, sepc, CSR_READ(stval));
    panic("kerneltrap");
  }
  if (which_dev == 2 && myproc() != 0)
    yield();
  // yield() may have taken traps that changed these.
  CSR_WRITE(sepc, sepc);
  CSR_WRITE(sstatus, sstatus);
}

// One clock tick: count it and wake sleep() callers.
static void clockintr(void) {
  acquire(&tickslock);
  ticks++;
  wakeup(&ticks);
  release(&tickslock);
}

// Serves a device interrupt: 2 for the clock (timervec's SSIP), 1 for
// another device, 0 if scause is not an interrupt this kernel knows.
static int devintr(void) {
  uint64 scause = CSR_READ(scause);
  if (scause == (SCAUSE_INTERRUPT | IRQ_S_EXT)) {
    int irq = plic_claim();
    if (irq == UART0_IRQ)
      uartintr();
    else if (irq == virtio_disk_irq())
      virtio_disk_intr();
    else if (irq)
      printf("unexpected interrupt irq=%d\n", irq);
    if (irq)
      plic_complete(irq);
    return 1;
  }
  if (scause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
    if (cpuid() == 0)
      clockintr();
    CSR_CLEAR(sip, SIP_SSIP);
    return 2;
  }
  return 0;
}
