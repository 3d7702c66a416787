// What fstat reports.
#pragma once
#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3
struct stat {
  int dev;
  uint ino;
  short type;
  short nlink;
  uint64 size;
};
