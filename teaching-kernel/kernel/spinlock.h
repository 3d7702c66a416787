// A mutual-exclusion lock that spins with interrupts off.
#pragma once
#include "types.h"
struct spinlock {
  uint locked;
  char *name;
  struct cpu *cpu; // holder
};
