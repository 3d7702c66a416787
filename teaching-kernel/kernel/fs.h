// The on-disk file system format, shared by the kernel and mkfs.
//
// Disk layout in BSIZE blocks:
//   [ 0 unused | 1 superblock | inode blocks | free-block bitmap | data blocks ]
#pragma once
#include "types.h"

#define BSIZE 1024     // block size
#define ROOTINO 1      // inode number of /
#define FSMAGIC 0x54454143 // "TEAC"

struct superblock {
  uint magic;
  uint size;       // blocks in the image
  uint nblocks;    // data blocks
  uint ninodes;
  uint inodestart; // first inode block
  uint bmapstart;  // first bitmap block
  uint datastart;  // first data block
};

#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define MAXFILE (NDIRECT + NINDIRECT)

// An inode on disk: 64 bytes.
struct dinode {
  short type;  // T_DIR, T_FILE, T_DEVICE; 0 = free
  short major; // device number (T_DEVICE)
  short minor;
  short nlink; // directory entries naming it
  uint size;   // bytes
  uint addrs[NDIRECT + 1]; // direct blocks, then one indirect block
};

#define IPB (BSIZE / sizeof(struct dinode))
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)
#define BPB (BSIZE * 8)
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)

#define DIRSIZ 14
// A directory is a file of these; inum 0 marks a free entry.
struct dirent {
  ushort inum;
  char name[DIRSIZ];
};
