// M-mode start-up on every hart: hand traps and the machine to S-mode, start
// the CLINT timer, and mret into main() in S-mode.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "defs.h"

void main(void);
void timervec(void);

// One stack per hart, used by entry.S.
__attribute__((aligned(16))) char stack0[4096 * NCPU];

// Per-hart scratch for timervec: saved a1..a3, &mtimecmp, interval.
uint64 timer_scratch[NCPU][5];

// Arms this hart's mtimecmp and points mtvec at timervec.
static void timerinit(void) {
  int id = r_mhartid();
  volatile uint64 *mtimecmp = (uint64 *)CLINT_MTIMECMP(id);
  *mtimecmp = *(volatile uint64 *)CLINT_MTIME + TICK_INTERVAL;
  timer_scratch[id][3] = (uint64)mtimecmp;
  timer_scratch[id][4] = TICK_INTERVAL;
  CSR_WRITE(mscratch, timer_scratch[id]);
  CSR_WRITE(mtvec, timervec);
  CSR_SET(mstatus, MSTATUS_MIE);
  CSR_SET(mie, MIE_MTIE);
}

// Called by entry.S in M-mode on every hart; ends in S-mode at main().
void start(void) {
  uint64 x = CSR_READ(mstatus);
  x = (x & ~MSTATUS_MPP_MASK) | MSTATUS_MPP_S; // mret goes to S-mode
  CSR_WRITE(mstatus, x);
  CSR_WRITE(mepc, main);
  CSR_WRITE(satp, 0);                           // no paging yet
  CSR_WRITE(medeleg, 0xffff);                   // all exceptions to S-mode
  CSR_WRITE(mideleg, 0xffff);                   // and all S-level interrupts
  CSR_SET(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
  // PMP entry 0, TOR from 0 to 2^56: S and U may read, write and execute all.
  CSR_WRITE(pmpaddr0, 0x3fffffffffffffUL);
  CSR_WRITE(pmpcfg0, PMP_A_TOR | PMP_R | PMP_W | PMP_X);
  CSR_WRITE(mcounteren, 7);                     // S may read time (rdtime)
  timerinit();
  w_tp(r_mhartid());                            // cpuid() reads tp
  asm volatile("mret");
}
