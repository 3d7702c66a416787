// mkfs IMAGE FILE...: builds a file system image (see kernel/fs.h) whose
// root directory holds each FILE under its base name (a leading '_' dropped).
// A host program: compiled with the host's gcc.
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define stat xv_stat // the kernel's struct stat is not the host's
#include "../kernel/types.h"
#include "../kernel/fs.h"
#include "../kernel/stat.h"
#include "../kernel/param.h"
#undef stat

#define NINODES 200

static int fsfd;
static struct superblock sb;
static uint freeinode = 1;
static uint freeblock; // next data block to hand out

// Writes block sec of the image.
static void wsect(uint sec, void *buf) {
  if (pwrite(fsfd, buf, BSIZE, (off_t)sec * BSIZE) != BSIZE) {
    perror("pwrite");
    exit(1);
  }
}

// Reads block sec of the image.
static void rsect(uint sec, void *buf) {
  if (pread(fsfd, buf, BSIZE, (off_t)sec * BSIZE) != BSIZE) {
    perror("pread");
    exit(1);
  }
}

static void winode(uint inum, struct dinode *ip) {
  char buf[BSIZE];
  uint bn = IBLOCK(inum, sb);
  rsect(bn, buf);
  ((struct dinode *)buf)[inum % IPB] = *ip;
  wsect(bn, buf);
}

static void rinode(uint inum, struct dinode *ip) {
  char buf[BSIZE];
  rsect(IBLOCK(inum, sb), buf);
  *ip = ((struct dinode *)buf)[inum % IPB];
}

// A new inode of type; its number.
static uint ialloc(short type) {
  struct dinode din = {0};
  uint inum = freeinode++;
  din.type = type;
  din.nlink = 1;
  winode(inum, &din);
  return inum;
}

// Appends n bytes to inode inum, allocating blocks in order.
static void iappend(uint inum, void *xp, int n) {
  char *p = xp, buf[BSIZE];
  struct dinode din;
  uint indirect[NINDIRECT];
  rinode(inum, &din);
  uint off = din.size;
  while (n > 0) {
    uint fbn = off / BSIZE, x;
    assert(fbn < MAXFILE);
    if (fbn < NDIRECT) {
      if (din.addrs[fbn] == 0)
        din.addrs[fbn] = freeblock++;
      x = din.addrs[fbn];
    } else {
      if (din.addrs[NDIRECT] == 0) {
        din.addrs[NDIRECT] = freeblock++;
        memset(indirect, 0, sizeof(indirect));
        wsect(din.addrs[NDIRECT], indirect);
      }
      rsect(din.addrs[NDIRECT], indirect);
      if (indirect[fbn - NDIRECT] == 0) {
        indirect[fbn - NDIRECT] = freeblock++;
        wsect(din.addrs[NDIRECT], indirect);
      }
      x = indirect[fbn - NDIRECT];
    }
    uint n1 = BSIZE - off % BSIZE;
    if (n1 > (uint)n)
      n1 = n;
    rsect(x, buf);
    memcpy(buf + off % BSIZE, p, n1);
    wsect(x, buf);
    n -= n1;
    off += n1;
    p += n1;
  }
  din.size = off;
  winode(inum, &din);
}

// Adds entry (name, inum) to directory dir.
static void addentry(uint dir, const char *name, uint inum) {
  struct dirent de = {0};
  de.inum = inum;
  memcpy(de.name, name, strlen(name) < DIRSIZ ? strlen(name) : DIRSIZ);
  iappend(dir, &de, sizeof(de));
}

// Marks blocks [0, used) allocated in the bitmap.
static void balloc(uint used) {
  uchar buf[BSIZE] = {0};
  assert(used < BPB);
  for (uint i = 0; i < used; i++)
    buf[i / 8] |= 1 << (i % 8);
  wsect(sb.bmapstart, buf);
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(stderr, "usage: mkfs IMAGE FILE...\n");
    return 1;
  }
  assert(BSIZE % sizeof(struct dinode) == 0 && BSIZE % sizeof(struct dirent) == 0);
  fsfd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0666);
  if (fsfd < 0) {
    perror(argv[1]);
    return 1;
  }
  uint ninodeblocks = NINODES / IPB + 1, nbitmap = FSSIZE / BPB + 1;
  sb.magic = FSMAGIC;
  sb.size = FSSIZE;
  sb.ninodes = NINODES;
  sb.inodestart = 2;
  sb.bmapstart = 2 + ninodeblocks;
  sb.datastart = 2 + ninodeblocks + nbitmap;
  sb.nblocks = FSSIZE - sb.datastart;
  freeblock = sb.datastart;

  char zeroes[BSIZE] = {0};
  for (uint i = 0; i < FSSIZE; i++)
    wsect(i, zeroes);
  char buf[BSIZE] = {0};
  memcpy(buf, &sb, sizeof(sb));
  wsect(1, buf);

  uint rootino = ialloc(T_DIR);
  assert(rootino == ROOTINO);
  addentry(rootino, ".", rootino);
  addentry(rootino, "..", rootino);
  for (int i = 2; i < argc; i++) {
    const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
    if (*name == '_')
      name++;
    assert(strlen(name) <= DIRSIZ);
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      perror(argv[i]);
      return 1;
    }
    uint inum = ialloc(T_FILE);
    addentry(rootino, name, inum);
    int cc;
    while ((cc = read(fd, buf, sizeof(buf))) > 0)
      iappend(inum, buf, cc);
    close(fd);
  }
  // The root is named by its own "." and "..".
  struct dinode din;
  rinode(rootino, &din);
  din.nlink = 2;
  winode(rootino, &din);
  balloc(freeblock);
  printf("mkfs: %u blocks (%u data), %u inodes, %u blocks used\n", FSSIZE, sb.nblocks,
         NINODES, freeblock);
  return 0;
}
