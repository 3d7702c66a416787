// A lock held across sleeps (disk I/O); waiters sleep instead of spinning.
#pragma once
#include "spinlock.h"
struct sleeplock {
  uint locked;
  struct spinlock lk;
  char *name;
  int pid;
};
