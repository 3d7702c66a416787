// The virtio block device on virtio-mmio (the legacy version 1 interface,
// QEMU's default, and version 2), one request queue of NUM descriptors,
// completion by interrupt. Virtio 1.1 section 4.2 (MMIO) and 5.2 (block).
#include "types.h"
#include "riscv.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "buf.h"

// virtio-mmio registers (4.2.2, legacy 4.2.4)
#define MMIO_MAGIC_VALUE 0x000 // 0x74726976 "virt"
#define MMIO_VERSION 0x004     // 1 legacy, 2 modern
#define MMIO_DEVICE_ID 0x008   // 2 is a block device
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_GUEST_PAGE_SIZE 0x028 // legacy
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_ALIGN 0x03c // legacy
#define MMIO_QUEUE_PFN 0x040   // legacy
#define MMIO_QUEUE_READY 0x044 // modern
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC_LOW 0x080 // modern
#define MMIO_QUEUE_DESC_HIGH 0x084
#define MMIO_DRIVER_DESC_LOW 0x090
#define MMIO_DRIVER_DESC_HIGH 0x094
#define MMIO_DEVICE_DESC_LOW 0x0a0
#define MMIO_DEVICE_DESC_HIGH 0x0a4

// device status bits (2.1)
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8

#define VIRTIO_F_VERSION_1 32 // feature bit: a modern device

#define NUM 8 // descriptors in the queue

struct virtq_desc {
  uint64 addr;
  uint32 len;
  uint16 flags;
  uint16 next;
};
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2 // the device writes this buffer

struct virtq_avail {
  uint16 flags;
  uint16 idx;
  uint16 ring[NUM];
  uint16 unused;
};

struct virtq_used_elem {
  uint32 id; // head descriptor of the finished chain
  uint32 len;
};

struct virtq_used {
  uint16 flags;
  uint16 idx;
  struct virtq_used_elem ring[NUM];
};

// The request header (5.2.6).
struct virtio_blk_req {
  uint32 type; // VIRTIO_BLK_T_IN (read) or _OUT (write)
  uint32 reserved;
  uint64 sector;
};
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1

// The queue, laid out as legacy virtio requires: descriptors and the
// available ring in the first page, the used ring at the next page.
static uchar queue_pages[2 * PGSIZE] __attribute__((aligned(PGSIZE)));

static struct disk {
  uint64 base; // this slot's registers
  int slot;
  int version;
  struct virtq_desc *desc;
  struct virtq_avail *avail;
  struct virtq_used *used;
  char free[NUM];  // descriptor free?
  uint16 used_idx; // how far the used ring has been read
  struct {         // per request, indexed by its head descriptor
    struct buf *b;
    char status;
  } info[NUM];
  struct virtio_blk_req ops[NUM];
  struct spinlock lock;
} disk;

#define R(r) ((volatile uint32 *)(disk.base + (r)))

// The PLIC source of the disk's slot.
int virtio_disk_irq(void) { return VIRTIO_IRQ(disk.slot); }

// Finds the first virtio-mmio slot holding a block device; 0 or -1.
static int find_disk(void) {
  for (int slot = 0; slot < VIRTIO_SLOTS; slot++) {
    disk.base = VIRTIO0 + slot * VIRTIO_SLOT_SIZE;
    if (*R(MMIO_MAGIC_VALUE) == 0x74726976 && *R(MMIO_DEVICE_ID) == 2) {
      disk.slot = slot;
      disk.version = *R(MMIO_VERSION);
      return 0;
    }
  }
  return -1;
}

// Accepts no optional features (and VERSION_1 from a modern device).
static void negotiate(uint32 *status) {
  *R(MMIO_DEVICE_FEATURES_SEL) = 0;
  *R(MMIO_DRIVER_FEATURES_SEL) = 0;
  *R(MMIO_DRIVER_FEATURES) = 0;
  if (disk.version == 2) {
    *R(MMIO_DEVICE_FEATURES_SEL) = 1;
    if ((*R(MMIO_DEVICE_FEATURES) & (1 << (VIRTIO_F_VERSION_1 - 32))) == 0)
      panic("virtio disk: no VERSION_1");
    *R(MMIO_DRIVER_FEATURES_SEL) = 1;
    *R(MMIO_DRIVER_FEATURES) = 1 << (VIRTIO_F_VERSION_1 - 32);
    *status |= STATUS_FEATURES_OK;
    *R(MMIO_STATUS) = *status;
    if ((*R(MMIO_STATUS) & STATUS_FEATURES_OK) == 0)
      panic("virtio disk: FEATURES_OK unset");
  }
}

// Gives queue 0 to the device, in the legacy or modern way.
static void setup_queue(void) {
  *R(MMIO_QUEUE_SEL) = 0;
  if (disk.version == 2 && *R(MMIO_QUEUE_READY))
    panic("virtio disk: queue in use");
  uint32 max = *R(MMIO_QUEUE_NUM_MAX);
  if (max < NUM)
    panic("virtio disk: queue too short");
  memset(queue_pages, 0, sizeof(queue_pages));
  disk.desc = (struct virtq_desc *)queue_pages;
  disk.avail = (struct virtq_avail *)(queue_pages + NUM * sizeof(struct virtq_desc));
  disk.used = (struct virtq_used *)(queue_pages + PGSIZE);
  *R(MMIO_QUEUE_NUM) = NUM;
  if (disk.version == 1) {
    *R(MMIO_GUEST_PAGE_SIZE) = PGSIZE;
    *R(MMIO_QUEUE_ALIGN) = PGSIZE;
    *R(MMIO_QUEUE_PFN) = (uint64)queue_pages >> PGSHIFT;
  } else {
    *R(MMIO_QUEUE_DESC_LOW) = (uint64)disk.desc;
    *R(MMIO_QUEUE_DESC_HIGH) = (uint64)disk.desc >> 32;
    *R(MMIO_DRIVER_DESC_LOW) = (uint64)disk.avail;
    *R(MMIO_DRIVER_DESC_HIGH) = (uint64)disk.avail >> 32;
    *R(MMIO_DEVICE_DESC_LOW) = (uint64)disk.used;
    *R(MMIO_DEVICE_DESC_HIGH) = (uint64)disk.used >> 32;
    *R(MMIO_QUEUE_READY) = 1;
  }
}

// Finds and starts the disk (device initialization, 3.1.1).
void virtio_disk_init(void) {
  initlock(&disk.lock, "virtio_disk");
  if (find_disk() < 0)
    panic("no virtio block device");
  uint32 status = 0;
  *R(MMIO_STATUS) = status; // reset
  status |= STATUS_ACKNOWLEDGE;
  *R(MMIO_STATUS) = status;
  status |= STATUS_DRIVER;
  *R(MMIO_STATUS) = status;
  negotiate(&status);
  setup_queue();
  for (int i = 0; i < NUM; i++)
    disk.free[i] = 1;
  status |= STATUS_DRIVER_OK;
  *R(MMIO_STATUS) = status;
  printf("virtio disk: slot %d, virtio-mmio version %d\n", disk.slot, disk.version);
}

// A free descriptor's index, or -1.
static int alloc_desc(void) {
  for (int i = 0; i < NUM; i++) {
    if (disk.free[i]) {
      disk.free[i] = 0;
      return i;
    }
  }
  return -1;
}

static void free_desc(int i) {
  if (i >= NUM || disk.free[i])
    panic("free_desc");
  disk.desc[i].addr = 0;
  disk.desc[i].len = 0;
  disk.desc[i].flags = 0;
  disk.desc[i].next = 0;
  disk.free[i] = 1;
  wakeup(&disk.free[0]);
}

// Frees a chain of descriptors from its head.
static void free_chain(int i) {
  for (;;) {
    int flag = disk.desc[i].flags, nxt = disk.desc[i].next;
    free_desc(i);
    if (!(flag & VRING_DESC_F_NEXT))
      break;
    i = nxt;
  }
}

// Takes three descriptors into idx[]; 0, or -1 (none taken) if too few are free.
static int alloc3_desc(int *idx) {
  for (int i = 0; i < 3; i++) {
    idx[i] = alloc_desc();
    if (idx[i] < 0) {
      for (int j = 0; j < i; j++)
        free_desc(idx[j]);
      return -1;
    }
  }
  return 0;
}

// Reads (write = 0) or writes block b->blockno, sleeping until the device
// has finished.
void virtio_disk_rw(struct buf *b, int write) {
  uint64 sector = b->blockno * (BSIZE / 512);
  acquire(&disk.lock);
  int idx[3];
  while (alloc3_desc(idx) != 0)
    sleep(&disk.free[0], &disk.lock);

  struct virtio_blk_req *buf0 = &disk.ops[idx[0]];
  buf0->type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  buf0->reserved = 0;
  buf0->sector = sector;
  disk.desc[idx[0]] = (struct virtq_desc){(uint64)buf0, sizeof(*buf0), VRING_DESC_F_NEXT, idx[1]};
  disk.desc[idx[1]] = (struct virtq_desc){(uint64)b->data, BSIZE,
                                          (write ? 0 : VRING_DESC_F_WRITE) | VRING_DESC_F_NEXT, idx[2]};
  disk.info[idx[0]].status = 0xff; // the device writes 0 on success
  disk.desc[idx[2]] = (struct virtq_desc){(uint64)&disk.info[idx[0]].status, 1, VRING_DESC_F_WRITE, 0};

  b->disk = 1;
  disk.info[idx[0]].b = b;
  disk.avail->ring[disk.avail->idx % NUM] = idx[0];
  __sync_synchronize(); // the ring entry before the index
  disk.avail->idx += 1;
  __sync_synchronize();
  *R(MMIO_QUEUE_NOTIFY) = 0;

  while (b->disk == 1)
    sleep(b, &disk.lock);
  disk.info[idx[0]].b = 0;
  free_chain(idx[0]);
  release(&disk.lock);
}

// The disk's interrupt: wake the processes whose requests are done.
void virtio_disk_intr(void) {
  acquire(&disk.lock);
  *R(MMIO_INTERRUPT_ACK) = *R(MMIO_INTERRUPT_STATUS) & 0x3;
  __sync_synchronize();
  while (disk.used_idx != disk.used->idx) {
    __sync_synchronize();
    int id = disk.used->ring[disk.used_idx % NUM].id;
    if (disk.info[id].status != 0)
      panic("virtio_disk_intr status");
    struct buf *b = disk.info[id].b;
    b->disk = 0;
    wakeup(b);
    disk.used_idx += 1;
  }
  release(&disk.lock);
}
