// Sizes of the kernel's fixed tables.
#pragma once
#define NPROC        64   // processes
#define NCPU          8   // harts the kernel can run on
#define NOFILE       16   // open files per process
#define NFILE       100   // open files in the system
#define NINODE       50   // in-memory inodes
#define NDEV         10   // device major numbers
#define ROOTDEV       1   // device number of the file system disk
#define MAXARG       32   // exec arguments
#define NBUF         30   // blocks in the buffer cache
#define FSSIZE     4000   // file system size in blocks
#define MAXPATH     128   // longest path name
#define TICK_INTERVAL 100000 // CLINT mtime units per tick (10 ms at 10 MHz)
