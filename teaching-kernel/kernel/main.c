// S-mode kernel start: hart 0 sets everything up, the others wait for it.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "defs.h"

static volatile int started = 0;

// Entered in S-mode from start() on every hart.
void main(void) {
  if (cpuid() == 0) {
    consoleinit();
    printfinit();
    printf("\nteaching kernel: booting on hart 0\n");
    kinit();          // physical page allocator
    kvminit();        // kernel page table
    kvminithart();    // paging on
    procinit();
    trapinit();
    trapinithart();   // stvec
    plicinit();
    plicinithart();
    binit();
    iinit();
    fileinit();
    virtio_disk_init();
    userinit();       // the first process
    __sync_synchronize();
    started = 1;
  } else {
    while (started == 0)
      ;
    __sync_synchronize();
    kvminithart();
    trapinithart();
    plicinithart();
    printf("teaching kernel: hart %d started\n", cpuid());
  }
  scheduler();
}
