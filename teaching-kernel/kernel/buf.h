// A cached disk block.
#pragma once
#include "sleeplock.h"
#include "fs.h"
struct buf {
  int valid;   // data has been read from disk
  int disk;    // the disk driver owns it
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;
  struct buf *prev, *next; // LRU list
  uchar data[BSIZE];
};
