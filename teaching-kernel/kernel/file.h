// Open files and in-memory inodes.
#pragma once
#include "sleeplock.h"
#include "fs.h"
struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref;
  char readable, writable;
  struct pipe *pipe; // FD_PIPE
  struct inode *ip;  // FD_INODE, FD_DEVICE
  uint off;          // FD_INODE
  short major;       // FD_DEVICE
};

// An inode in memory: a copy of struct dinode plus bookkeeping.
struct inode {
  uint dev, inum;
  int ref;            // C pointers to it
  struct sleeplock lock; // guards everything below
  int valid;          // read from disk
  short type, major, minor, nlink;
  uint size;
  uint addrs[NDIRECT + 1];
};

// Read and write functions of a device major number.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[];
#define CONSOLE 1
