// Process system calls.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"

uint64 sys_exit(void) {
  int n;
  argint(0, &n);
  exit(n);
}

uint64 sys_getpid(void) { return myproc()->pid; }

uint64 sys_fork(void) { return fork(); }

uint64 sys_wait(void) {
  uint64 p;
  argaddr(0, &p);
  return wait(p);
}

// sbrk(n): grow or shrink memory by n bytes; the old end, or -1.
uint64 sys_sbrk(void) {
  int n;
  argint(0, &n);
  uint64 addr = myproc()->sz;
  if (growproc(n) < 0)
    return -1;
  return addr;
}

// sleep(n): wait n clock ticks; -1 if killed meanwhile.
uint64 sys_sleep(void) {
  int n;
  argint(0, &n);
  if (n < 0)
    n = 0;
  acquire(&tickslock);
  uint ticks0 = ticks;
  while (ticks - ticks0 < (uint)n) {
    if (killed(myproc())) {
      release(&tickslock);
      return -1;
    }
    sleep(&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

uint64 sys_kill(void) {
  int pid;
  argint(0, &pid);
  return kill(pid);
}

// uptime(): clock ticks since boot.
uint64 sys_uptime(void) {
  acquire(&tickslock);
  uint xticks = ticks;
  release(&tickslock);
  return xticks;
}

// poweroff(status): stop the machine through the test finisher; status 0
// is a pass (0x5555), anything else a failure with that code (0x3333 | code << 16).
uint64 sys_poweroff(void) {
  int status;
  argint(0, &status);
  printf("teaching kernel: power off, status %d\n", status);
  uint32 v = status == 0 ? FINISHER_PASS : (FINISHER_FAIL | ((uint32)status << 16));
  *(volatile uint32 *)FINISHER = v;
  for (;;)
    ;
}
