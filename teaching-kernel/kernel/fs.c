// The file system: blocks (bitmap allocation), inodes (a cache of
// struct dinode with sleeplocks), file contents (direct and indirect
// blocks), directories and path names. See fs.h for the disk layout.
#include "types.h"
#include "riscv.h"
#include "defs.h"
#include "param.h"
#include "stat.h"
#include "spinlock.h"
#include "proc.h"
#include "sleeplock.h"
#include "fs.h"
#include "buf.h"
#include "file.h"

#define min(a, b) ((a) < (b) ? (a) : (b))

struct superblock sb; // one disk, so one superblock

// Reads the superblock and checks its magic number.
void fsinit(int dev) {
  struct buf *bp = bread(dev, 1);
  memmove(&sb, bp->data, sizeof(sb));
  brelse(bp);
  if (sb.magic != FSMAGIC)
    panic("fsinit: bad file system magic");
  printf("fs: %d blocks, %d inodes, data from block %d\n", sb.size, sb.ninodes, sb.datastart);
}

// Zeroes block bno on disk.
static void bzero(int dev, int bno) {
  struct buf *bp = bread(dev, bno);
  memset(bp->data, 0, BSIZE);
  bwrite(bp);
  brelse(bp);
}

// Allocates a zeroed data block; its number, or 0 if the disk is full.
static uint balloc(uint dev) {
  for (uint b = 0; b < sb.size; b += BPB) {
    struct buf *bp = bread(dev, BBLOCK(b, sb));
    for (uint bi = 0; bi < BPB && b + bi < sb.size; bi++) {
      int m = 1 << (bi % 8);
      if ((bp->data[bi / 8] & m) == 0) { // free: the buffer lock makes this atomic
        bp->data[bi / 8] |= m;
        bwrite(bp);
        brelse(bp);
        bzero(dev, b + bi);
        return b + bi;
      }
    }
    brelse(bp);
  }
  printf("balloc: out of blocks\n");
  return 0;
}

// Marks block b free.
static void bfree(int dev, uint b) {
  struct buf *bp = bread(dev, BBLOCK(b, sb));
  int bi = b % BPB, m = 1 << (bi % 8);
  if ((bp->data[bi / 8] & m) == 0)
    panic("freeing free block");
  bp->data[bi / 8] &= ~m;
  bwrite(bp);
  brelse(bp);
}

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

void iinit(void) {
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");
}

// The in-memory inode for (dev, inum), with one more reference; not locked
// and not necessarily read from disk.
static struct inode *iget(uint dev, uint inum) {
  struct inode *ip, *empty = 0;
  acquire(&itable.lock);
  for (ip = &itable.inode[0]; ip < &itable.inode[NINODE]; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if (empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if (empty == 0)
    panic("iget: no inodes");
  ip = empty;
  ip->dev = dev;
  ip->inum = inum;
  ip->ref = 1;
  ip->valid = 0;
  release(&itable.lock);
  return ip;
}

// Allocates an inode of type on disk; it unlocked with a reference, or 0.
struct inode *ialloc(uint dev, short type) {
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + inum % IPB;
    if (dip->type == 0) {
      memset(dip, 0, sizeof(*dip));
      dip->type = type;
      bwrite(bp);
      brelse(bp);
      return iget(dev, inum);
    }
    brelse(bp);
  }
  printf("ialloc: no inodes\n");
  return 0;
}

// Writes a locked inode's fields to disk.
void iupdate(struct inode *ip) {
  struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  bwrite(bp);
  brelse(bp);
}

// One more reference to ip.
struct inode *idup(struct inode *ip) {
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Locks ip, reading it from disk the first time.
void ilock(struct inode *ip) {
  if (ip == 0 || ip->ref < 1)
    panic("ilock");
  acquiresleep(&ip->lock);
  if (ip->valid == 0) {
    struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;
    ip->type = dip->type;
    ip->major = dip->major;
    ip->minor = dip->minor;
    ip->nlink = dip->nlink;
    ip->size = dip->size;
    memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
    brelse(bp);
    ip->valid = 1;
    if (ip->type == 0)
      panic("ilock: no type");
  }
}

void iunlock(struct inode *ip) {
  if (ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock");
  releasesleep(&ip->lock);
}

// Drops a reference; the last one to an unlinked inode frees it on disk.
void iput(struct inode *ip) {
  acquire(&itable.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // No other reference, so no one else holds the lock: this cannot block.
    acquiresleep(&ip->lock);
    release(&itable.lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;
    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  ip->ref--;
  release(&itable.lock);
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

// The disk block holding block bn of ip's contents, allocated if absent;
// 0 if the disk is full.
static uint bmap(struct inode *ip, uint bn) {
  uint addr;
  if (bn < NDIRECT) {
    if ((addr = ip->addrs[bn]) == 0) {
      addr = balloc(ip->dev);
      ip->addrs[bn] = addr;
    }
    return addr;
  }
  bn -= NDIRECT;
  if (bn >= NINDIRECT)
    panic("bmap: out of range");
  if ((addr = ip->addrs[NDIRECT]) == 0) {
    if ((addr = balloc(ip->dev)) == 0)
      return 0;
    ip->addrs[NDIRECT] = addr;
  }
  struct buf *bp = bread(ip->dev, addr);
  uint *a = (uint *)bp->data;
  if ((addr = a[bn]) == 0) {
    if ((addr = balloc(ip->dev)) != 0) {
      a[bn] = addr;
      bwrite(bp);
    }
  }
  brelse(bp);
  return addr;
}

// Frees all of a locked inode's blocks; its size becomes 0.
void itrunc(struct inode *ip) {
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i]) {
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if (ip->addrs[NDIRECT]) {
    struct buf *bp = bread(ip->dev, ip->addrs[NDIRECT]);
    uint *a = (uint *)bp->data;
    for (uint j = 0; j < NINDIRECT; j++)
      if (a[j])
        bfree(ip->dev, a[j]);
    brelse(bp);
    bfree(ip->dev, ip->addrs[NDIRECT]);
    ip->addrs[NDIRECT] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

// Copies a locked inode's metadata to st.
void stati(struct inode *ip, struct stat *st) {
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// Reads n bytes at off from a locked inode to dst (a user address if
// user_dst); bytes read, or -1 if a copy failed.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return 0;
  if (off + n > ip->size)
    n = ip->size - off;
  uint tot, m;
  for (tot = 0; tot < n; tot += m, off += m, dst += m) {
    uint addr = bmap(ip, off / BSIZE);
    if (addr == 0)
      break;
    struct buf *bp = bread(ip->dev, addr);
    m = min(n - tot, BSIZE - off % BSIZE);
    if (either_copyout(user_dst, dst, bp->data + (off % BSIZE), m) == -1) {
      brelse(bp);
      tot = -1;
      break;
    }
    brelse(bp);
  }
  return tot;
}

// Writes n bytes from src (a user address if user_src) at off in a locked
// inode, growing it; bytes written (less than n if the disk filled or a
// copy failed), or -1 if off is beyond the end.
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return -1;
  if (off + n > MAXFILE * BSIZE)
    return -1;
  uint tot, m;
  for (tot = 0; tot < n; tot += m, off += m, src += m) {
    uint addr = bmap(ip, off / BSIZE);
    if (addr == 0)
      break;
    struct buf *bp = bread(ip->dev, addr);
    m = min(n - tot, BSIZE - off % BSIZE);
    if (either_copyin(bp->data + (off % BSIZE), user_src, src, m) == -1) {
      brelse(bp);
      break;
    }
    bwrite(bp);
    brelse(bp);
  }
  if (off > ip->size)
    ip->size = off;
  iupdate(ip); // bmap may have changed ip->addrs
  return tot;
}

int namecmp(const char *s, const char *t) { return strncmp(s, t, DIRSIZ); }

// The inode named name in directory dp (locked), unlocked with a
// reference, and its entry's offset in *poff; or 0.
struct inode *dirlookup(struct inode *dp, char *name, uint *poff) {
  struct dirent de;
  if (dp->type != T_DIR)
    panic("dirlookup not DIR");
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlookup read");
    if (de.inum == 0)
      continue;
    if (namecmp(name, de.name) == 0) {
      if (poff)
        *poff = off;
      return iget(dp->dev, de.inum);
    }
  }
  return 0;
}

// Adds (name, inum) to directory dp (locked); 0, or -1 if name exists or
// the disk is full.
int dirlink(struct inode *dp, char *name, uint inum) {
  struct dirent de;
  struct inode *ip = dirlookup(dp, name, 0);
  if (ip != 0) {
    iput(ip);
    return -1;
  }
  uint off;
  for (off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlink read");
    if (de.inum == 0)
      break;
  }
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// Copies the next path element of path into name; the rest of the path
// after it, or 0 if there is none ("a/bb/c" -> name "a", returns "bb/c").
static char *skipelem(char *path, char *name) {
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;
  char *s = path;
  while (*path != '/' && *path != 0)
    path++;
  int len = path - s;
  memmove(name, s, len >= DIRSIZ ? DIRSIZ : len);
  if (len < DIRSIZ)
    name[len] = 0;
  while (*path == '/')
    path++;
  return path;
}

// Looks up path (or its parent if nameiparent, putting the last element
// in name); the inode with a reference, unlocked, or 0.
static struct inode *namex(char *path, int nameiparent, char *name) {
  struct inode *ip, *next;
  ip = (*path == '/') ? iget(ROOTDEV, ROOTINO) : idup(myproc()->cwd);
  while ((path = skipelem(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return 0;
    }
    if (nameiparent && *path == '\0') {
      iunlock(ip); // stop one level early
      return ip;
    }
    if ((next = dirlookup(ip, name, 0)) == 0) {
      iunlockput(ip);
      return 0;
    }
    iunlockput(ip);
    ip = next;
  }
  if (nameiparent) {
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *namei(char *path) {
  char name[DIRSIZ];
  return namex(path, 0, name);
}

struct inode *nameiparent(char *path, char *name) { return namex(path, 1, name); }
