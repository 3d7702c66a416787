// The physical page allocator: a free list of 4 KiB pages from the end of
// the kernel to PHYSTOP.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "spinlock.h"
#include "riscv.h"
#include "defs.h"

extern char end[]; // first address after the kernel, from kernel.ld

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;
  struct run *freelist;
  uint64 nfree;
} kmem;

// Puts page pa on the free list.
static void freepage(void *pa) {
  if (((uint64)pa % PGSIZE) != 0 || (char *)pa < end || (uint64)pa >= PHYSTOP)
    panic("kfree");
  struct run *r = (struct run *)pa;
  acquire(&kmem.lock);
  r->next = kmem.freelist;
  kmem.freelist = r;
  kmem.nfree++;
  release(&kmem.lock);
}

// Frees every page between end and PHYSTOP (untouched: 32K pages of fill
// would dominate boot time).
void kinit(void) {
  initlock(&kmem.lock, "kmem");
  for (char *p = (char *)PGROUNDUP((uint64)end); p + PGSIZE <= (char *)PHYSTOP; p += PGSIZE)
    freepage(p);
}

// Returns page pa, from kalloc(), to the free list.
void kfree(void *pa) {
  memset(pa, 1, PGSIZE); // dangling references read junk
  freepage(pa);
}

// A free 4 KiB page filled with junk, or 0 if there is none.
void *kalloc(void) {
  acquire(&kmem.lock);
  struct run *r = kmem.freelist;
  if (r) {
    kmem.freelist = r->next;
    kmem.nfree--;
  }
  release(&kmem.lock);
  if (r)
    memset((char *)r, 5, PGSIZE);
  return (void *)r;
}

// How many pages are free (for leak checks).
uint64 kfreecount(void) {
  acquire(&kmem.lock);
  uint64 n = kmem.nfree;
  release(&kmem.lock);
  return n;
}
