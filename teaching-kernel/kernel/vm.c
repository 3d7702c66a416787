// Sv39 page tables: the kernel's direct map and the user address spaces.
#include "param.h"
#include "types.h"
#include "memlayout.h"
#include "elf.h"
#include "riscv.h"
#include "defs.h"

pagetable_t kernel_pagetable;
extern char etext[];      // kernel.ld: end of kernel text
extern char trampoline[]; // trampoline.S

// Maps sz bytes at va to pa in the kernel page table, or panics.
void kvmmap(pagetable_t kpgtbl, uint64 va, uint64 pa, uint64 sz, int perm) {
  if (mappages(kpgtbl, va, sz, pa, perm) != 0)
    panic("kvmmap");
}

// Builds the kernel page table: devices and RAM at their physical
// addresses, the trampoline at the top, and the process kernel stacks.
void kvminit(void) {
  pagetable_t kpgtbl = (pagetable_t)kalloc();
  memset(kpgtbl, 0, PGSIZE);
  kvmmap(kpgtbl, FINISHER, FINISHER, PGSIZE, PTE_R | PTE_W);
  kvmmap(kpgtbl, UART0, UART0, PGSIZE, PTE_R | PTE_W);
  kvmmap(kpgtbl, VIRTIO0, VIRTIO0, VIRTIO_SLOTS * VIRTIO_SLOT_SIZE, PTE_R | PTE_W);
  kvmmap(kpgtbl, PLIC, PLIC, PLIC_SIZE, PTE_R | PTE_W);
  kvmmap(kpgtbl, KERNBASE, KERNBASE, (uint64)etext - KERNBASE, PTE_R | PTE_X);
  kvmmap(kpgtbl, (uint64)etext, (uint64)etext, PHYSTOP - (uint64)etext, PTE_R | PTE_W);
  kvmmap(kpgtbl, TRAMPOLINE, (uint64)trampoline, PGSIZE, PTE_R | PTE_X);
  proc_mapstacks(kpgtbl);
  kernel_pagetable = kpgtbl;
}

// Turns on Sv39 paging with the kernel page table on this hart.
void kvminithart(void) {
  sfence_vma(); // page-table writes done before use
  CSR_WRITE(satp, MAKE_SATP(kernel_pagetable));
  sfence_vma();
}

// The level-0 PTE for va, creating page-table pages if alloc; 0 if absent
// (or out of memory). Follows the spec's walk (4.3.2) from level 2 down.
pte_t *walk(pagetable_t pagetable, uint64 va, int alloc) {
  if (va >= MAXVA)
    panic("walk");
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pagetable[VPN(level, va)];
    if (*pte & PTE_V) {
      pagetable = (pagetable_t)PTE2PA(*pte);
    } else {
      if (!alloc || (pagetable = (pagetable_t)kalloc()) == 0)
        return 0;
      memset(pagetable, 0, PGSIZE);
      *pte = PA2PTE(pagetable) | PTE_V; // a non-leaf: R = W = X = 0
    }
  }
  return &pagetable[VPN(0, va)];
}

// The physical address a user may reach at va, or 0.
uint64 walkaddr(pagetable_t pagetable, uint64 va) {
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(pagetable, va, 0);
  if (pte == 0 || (*pte & PTE_V) == 0 || (*pte & PTE_U) == 0)
    return 0;
  return PTE2PA(*pte);
}

// Maps [va, va+size) to pa with perm; 0, or -1 if out of memory.
int mappages(pagetable_t pagetable, uint64 va, uint64 size, uint64 pa, int perm) {
  if (size == 0)
    panic("mappages: size");
  uint64 a = PGROUNDDOWN(va), last = PGROUNDDOWN(va + size - 1);
  for (;; a += PGSIZE, pa += PGSIZE) {
    pte_t *pte = walk(pagetable, a, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V)
      panic("mappages: remap");
    *pte = PA2PTE(pa) | perm | PTE_V;
    if (a == last)
      break;
  }
  return 0;
}

// Removes npages mappings from va (page aligned), freeing the pages if do_free;
// pages never mapped are skipped (a process may have holes).
void uvmunmap(pagetable_t pagetable, uint64 va, uint64 npages, int do_free) {
  for (uint64 a = va; a < va + npages * PGSIZE; a += PGSIZE) {
    pte_t *pte = walk(pagetable, a, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      continue;
    if (do_free)
      kfree((void *)PTE2PA(*pte));
    *pte = 0;
  }
}

// An empty user page table, or 0.
pagetable_t uvmcreate(void) {
  pagetable_t pagetable = (pagetable_t)kalloc();
  if (pagetable)
    memset(pagetable, 0, PGSIZE);
  return pagetable;
}

// Grows a process from oldsz to newsz with zeroed pages (PTE_R | PTE_U | xperm);
// the new size, or 0 if out of memory (then nothing changed).
uint64 uvmalloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz, int xperm) {
  if (newsz < oldsz)
    return oldsz;
  for (uint64 a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE) {
    char *mem = kalloc();
    if (mem == 0) {
      uvmdealloc(pagetable, a, oldsz);
      return 0;
    }
    memset(mem, 0, PGSIZE);
    if (mappages(pagetable, a, PGSIZE, (uint64)mem, PTE_R | PTE_U | xperm) != 0) {
      kfree(mem);
      uvmdealloc(pagetable, a, oldsz);
      return 0;
    }
  }
  return newsz;
}

// Shrinks a process from oldsz to newsz; the new size.
uint64 uvmdealloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz) {
  if (newsz >= oldsz)
    return oldsz;
  if (PGROUNDUP(newsz) < PGROUNDUP(oldsz)) {
    uint64 npages = (PGROUNDUP(oldsz) - PGROUNDUP(newsz)) / PGSIZE;
    uvmunmap(pagetable, PGROUNDUP(newsz), npages, 1);
  }
  return newsz;
}

// Frees a page-table tree whose leaves are already gone.
static void freewalk(pagetable_t pagetable) {
  for (int i = 0; i < 512; i++) {
    pte_t pte = pagetable[i];
    if ((pte & PTE_V) && (pte & (PTE_R | PTE_W | PTE_X)) == 0) {
      freewalk((pagetable_t)PTE2PA(pte));
      pagetable[i] = 0;
    } else if (pte & PTE_V) {
      panic("freewalk: leaf");
    }
  }
  kfree((void *)pagetable);
}

// Frees a process's memory [0, sz) and its page table.
void uvmfree(pagetable_t pagetable, uint64 sz) {
  if (sz > 0)
    uvmunmap(pagetable, 0, PGROUNDUP(sz) / PGSIZE, 1);
  freewalk(pagetable);
}

// Copies a parent's memory [0, sz) into a child's page table (a full copy:
// no copy-on-write); 0, or -1 with the child's copies freed.
int uvmcopy(pagetable_t old, pagetable_t new, uint64 sz) {
  for (uint64 a = 0; a < sz; a += PGSIZE) {
    pte_t *pte = walk(old, a, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      continue; // a hole, such as page 0
    char *mem = kalloc();
    if (mem == 0)
      goto fail;
    memmove(mem, (char *)PTE2PA(*pte), PGSIZE);
    // The child's pages start with A and D clear, as fresh mappings do.
    uint flags = PTE_FLAGS(*pte) & ~(PTE_A | PTE_D);
    if (mappages(new, a, PGSIZE, (uint64)mem, flags) != 0) {
      kfree(mem);
      goto fail;
    }
  }
  return 0;
fail:
  uvmunmap(new, 0, PGROUNDUP(sz) / PGSIZE, 1);
  return -1;
}

// Takes PTE_U off va's page (the stack guard page).
void uvmclear(pagetable_t pagetable, uint64 va) {
  pte_t *pte = walk(pagetable, va, 0);
  if (pte == 0)
    panic("uvmclear");
  *pte &= ~PTE_U;
}

// The kernel address of the user page at va if the user may write it, or 0.
static char *user_writable(pagetable_t pagetable, uint64 va) {
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(pagetable, va, 0);
  if (pte == 0 || (*pte & (PTE_V | PTE_U | PTE_W)) != (PTE_V | PTE_U | PTE_W))
    return 0;
  return (char *)PTE2PA(*pte);
}

// Copies len bytes from kernel src to user dstva; 0, or -1 if a page is not
// the user's to write.
int copyout(pagetable_t pagetable, uint64 dstva, char *src, uint64 len) {
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(dstva);
    char *pa0 = user_writable(pagetable, va0);
    if (pa0 == 0)
      return -1;
    uint64 n = PGSIZE - (dstva - va0);
    if (n > len)
      n = len;
    memmove(pa0 + (dstva - va0), src, n);
    len -= n;
    src += n;
    dstva = va0 + PGSIZE;
  }
  return 0;
}

// Copies len bytes from user srcva to kernel dst; 0, or -1 if a page is not
// the user's.
int copyin(pagetable_t pagetable, char *dst, uint64 srcva, uint64 len) {
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    uint64 pa0 = walkaddr(pagetable, va0);
    if (pa0 == 0)
      return -1;
    uint64 n = PGSIZE - (srcva - va0);
    if (n > len)
      n = len;
    memmove(dst, (void *)(pa0 + (srcva - va0)), n);
    len -= n;
    dst += n;
    srcva = va0 + PGSIZE;
  }
  return 0;
}

// Copies a NUL-terminated string of at most max bytes from user srcva;
// 0, or -1 if unreadable or too long.
int copyinstr(pagetable_t pagetable, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    uint64 pa0 = walkaddr(pagetable, va0);
    if (pa0 == 0)
      return -1;
    uint64 n = PGSIZE - (srcva - va0);
    if (n > max)
      n = max;
    char *p = (char *)(pa0 + (srcva - va0));
    for (; n > 0; n--, max--, p++, dst++) {
      *dst = *p;
      if (*p == 0)
        return 0;
    }
    srcva = va0 + PGSIZE;
  }
  return -1;
}
