// exec: replace the current process's memory with an ELF program from the
// file system.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"
#include "elf.h"

// PTE permissions for a PT_LOAD segment's p_flags (read is always given).
static int flags2perm(int flags) {
  int perm = 0;
  if (flags & ELF_PROG_FLAG_EXEC)
    perm |= PTE_X;
  if (flags & ELF_PROG_FLAG_WRITE)
    perm |= PTE_W;
  return perm;
}

// Loads a segment's file bytes [off, off+sz) at va (page aligned, mapped); 0 or -1.
static int loadseg(pagetable_t pagetable, uint64 va, struct inode *ip, uint offset, uint sz) {
  for (uint i = 0; i < sz; i += PGSIZE) {
    uint64 pa = walkaddr(pagetable, va + i);
    if (pa == 0)
      panic("loadseg: address should exist");
    uint n = (sz - i < PGSIZE) ? sz - i : PGSIZE;
    if (readi(ip, 0, pa, offset + i, n) != n)
      return -1;
  }
  return 0;
}

// Maps and loads every PT_LOAD segment of ip, keeping in *szp the highest
// address mapped so far (so a failure can free them); 0 or -1.
static int loadelf(pagetable_t pagetable, struct inode *ip, struct elfhdr *elf, uint64 *szp) {
  struct proghdr ph;
  for (int i = 0, off = elf->phoff; i < elf->phnum; i++, off += sizeof(ph)) {
    if (readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != ELF_PROG_LOAD || ph.memsz == 0)
      continue;
    if (ph.memsz < ph.filesz || ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr % PGSIZE != 0 ||
        ph.vaddr < USERBASE || ph.vaddr + ph.memsz >= TRAPFRAME - 4 * PGSIZE || ph.vaddr < *szp)
      return -1;
    if (uvmalloc(pagetable, ph.vaddr, ph.vaddr + ph.memsz, flags2perm(ph.flags)) == 0)
      return -1;
    *szp = ph.vaddr + ph.memsz;
    if (loadseg(pagetable, ph.vaddr, ip, ph.off, ph.filesz) < 0)
      return -1;
  }
  return *szp == 0 ? -1 : 0;
}

// Pushes argv strings and the argv[] array on the new user stack at sp;
// the new sp, or 0. *argc gets the count and ustack the addresses.
static uint64 pushargs(pagetable_t pagetable, uint64 sp, uint64 stackbase, char **argv, int *argc) {
  uint64 ustack[MAXARG + 1];
  int n;
  for (n = 0; argv[n]; n++) {
    if (n >= MAXARG)
      return 0;
    sp -= strlen(argv[n]) + 1;
    sp -= sp % 16; // the RISC-V ABI wants sp 16-byte aligned
    if (sp < stackbase || copyout(pagetable, sp, argv[n], strlen(argv[n]) + 1) < 0)
      return 0;
    ustack[n] = sp;
  }
  ustack[n] = 0;
  sp -= (n + 1) * sizeof(uint64);
  sp -= sp % 16;
  if (sp < stackbase || copyout(pagetable, sp, (char *)ustack, (n + 1) * sizeof(uint64)) < 0)
    return 0;
  *argc = n;
  return sp;
}

// Runs the ELF at path with argv (kernel strings); never returns on
// success (returns argc to the new program's a0), -1 on failure.
int exec(char *path, char **argv) {
  struct proc *p = myproc();
  struct elfhdr elf;
  pagetable_t pagetable = 0;
  uint64 sz = 0;
  struct inode *ip = namei(path);
  if (ip == 0)
    return -1;
  ilock(ip);
  if (readi(ip, 0, (uint64)&elf, 0, sizeof(elf)) != sizeof(elf) || elf.magic != ELF_MAGIC)
    goto bad;
  if ((pagetable = proc_pagetable(p)) == 0)
    goto bad;
  if (loadelf(pagetable, ip, &elf, &sz) < 0)
    goto bad;
  iunlockput(ip);
  ip = 0;

  // A guard page without PTE_U, then one page of user stack.
  sz = PGROUNDUP(sz);
  uint64 sz1 = uvmalloc(pagetable, sz, sz + 2 * PGSIZE, PTE_W);
  if (sz1 == 0)
    goto bad;
  sz = sz1;
  uvmclear(pagetable, sz - 2 * PGSIZE);
  int argc;
  uint64 sp = pushargs(pagetable, sz, sz - PGSIZE, argv, &argc);
  if (sp == 0)
    goto bad;

  p->trapframe->a1 = sp; // argv; argc is the return value, in a0
  char *last = path, *s;
  for (s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));

  pagetable_t oldpagetable = p->pagetable;
  uint64 oldsz = p->sz;
  p->pagetable = pagetable;
  p->sz = sz;
  p->trapframe->epc = elf.entry;
  p->trapframe->sp = sp;
  proc_freepagetable(oldpagetable, oldsz);
  return argc;

bad:
  if (pagetable)
    proc_freepagetable(pagetable, sz);
  if (ip)
    iunlockput(ip);
  return -1;
}
