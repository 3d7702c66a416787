// System call dispatch and argument fetching (a0..a5, number in a7).
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "syscall.h"
#include "defs.h"

// Reads the uint64 at user addr; 0, or -1 if it is not the process's.
int fetchaddr(uint64 addr, uint64 *ip) {
  struct proc *p = myproc();
  if (addr >= p->sz || addr + sizeof(uint64) > p->sz)
    return -1;
  return copyin(p->pagetable, (char *)ip, addr, sizeof(*ip));
}

// Copies the string at user addr; its length, or -1.
int fetchstr(uint64 addr, char *buf, int max) {
  if (copyinstr(myproc()->pagetable, buf, addr, max) < 0)
    return -1;
  return strlen(buf);
}

static uint64 argraw(int n) {
  struct trapframe *tf = myproc()->trapframe;
  switch (n) {
  case 0: return tf->a0;
  case 1: return tf->a1;
  case 2: return tf->a2;
  case 3: return tf->a3;
  case 4: return tf->a4;
  case 5: return tf->a5;
  }
  panic("argraw");
}

int argint(int n, int *ip) {
  *ip = argraw(n);
  return 0;
}

// Argument n as an address; copyin/copyout check it when used.
void argaddr(int n, uint64 *ip) { *ip = argraw(n); }

// Argument n as a string of at most max bytes; its length, or -1.
int argstr(int n, char *buf, int max) {
  uint64 addr;
  argaddr(n, &addr);
  return fetchstr(addr, buf, max);
}

uint64 sys_fork(void), sys_exit(void), sys_wait(void), sys_pipe(void), sys_read(void);
uint64 sys_kill(void), sys_exec(void), sys_fstat(void), sys_chdir(void), sys_dup(void);
uint64 sys_getpid(void), sys_sbrk(void), sys_sleep(void), sys_uptime(void), sys_open(void);
uint64 sys_write(void), sys_mknod(void), sys_unlink(void), sys_link(void), sys_mkdir(void);
uint64 sys_close(void), sys_poweroff(void);

static uint64 (*syscalls[])(void) = {
  [SYS_fork] sys_fork,     [SYS_exit] sys_exit,     [SYS_wait] sys_wait,
  [SYS_pipe] sys_pipe,     [SYS_read] sys_read,     [SYS_kill] sys_kill,
  [SYS_exec] sys_exec,     [SYS_fstat] sys_fstat,   [SYS_chdir] sys_chdir,
  [SYS_dup] sys_dup,       [SYS_getpid] sys_getpid, [SYS_sbrk] sys_sbrk,
  [SYS_sleep] sys_sleep,   [SYS_uptime] sys_uptime, [SYS_open] sys_open,
  [SYS_write] sys_write,   [SYS_mknod] sys_mknod,   [SYS_unlink] sys_unlink,
  [SYS_link] sys_link,     [SYS_mkdir] sys_mkdir,   [SYS_close] sys_close,
  [SYS_poweroff] sys_poweroff,
};

// Runs the system call in a7; its result goes to the user's a0.
void syscall(void) {
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num > 0 && num < NELEM(syscalls) && syscalls[num]) {
    p->trapframe->a0 = syscalls[num]();
  } else {
    printf("%d %s: unknown sys call %d\n", p->pid, p->name, (int)num);
    p->trapframe->a0 = -1;
  }
}
