// Spinlocks, and interrupt disabling that nests.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"

// Makes an unlocked lock called name.
void initlock(struct spinlock *lk, char *name) {
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

// Spins until this hart holds lk; interrupts stay off until release().
void acquire(struct spinlock *lk) {
  push_off(); // an interrupt handler taking lk here would deadlock
  if (holding(lk))
    panic(lk->name);
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0) // amoswap.w.aq
    ;
  __sync_synchronize(); // the critical section's accesses stay after this
  lk->cpu = mycpu();
}

// Releases lk, held by this hart.
void release(struct spinlock *lk) {
  if (!holding(lk))
    panic("release");
  lk->cpu = 0;
  __sync_synchronize();
  __sync_lock_release(&lk->locked); // amoswap.w.rl
  pop_off();
}

// Whether this hart holds lk (interrupts must be off).
int holding(struct spinlock *lk) {
  return lk->locked && lk->cpu == mycpu();
}

// Disables interrupts; pop_off() as many times re-enables them if they were on.
void push_off(void) {
  int old = intr_get();
  intr_off();
  if (mycpu()->noff == 0)
    mycpu()->intena = old;
  mycpu()->noff += 1;
}

// Undoes one push_off().
void pop_off(void) {
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interruptible");
  if (c->noff < 1)
    panic("pop_off");
  c->noff -= 1;
  if (c->noff == 0 && c->intena)
    intr_on();
}
