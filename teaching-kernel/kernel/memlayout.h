// The physical memory map of QEMU's virt board and the kernel's and a
// process's virtual address spaces.
//
// Physical (as qemu-system-riscv64 -M virt -bios none -m 128M lays it out):
//
//   0x0000_1000  boot ROM: a0 = mhartid, a1 = DTB, jump to 0x8000_0000
//   0x0010_0000  test finisher (sifive,test0): write 0x5555 = pass, 0x3333 | code<<16 = fail
//   0x0200_0000  CLINT: msip, mtimecmp[hart] at +0x4000, mtime at +0xbff8 (M-mode only)
//   0x0c00_0000  PLIC: priority, pending, enable, threshold/claim per context
//   0x1000_0000  NS16550A UART, PLIC source 10
//   0x1000_1000  virtio-mmio slot 0 (PLIC source 1) .. slot 7 at 0x1000_8000 (source 8)
//   0x8000_0000  kernel text (entry.S first), then data and bss
//   end          free pages handed out by kalloc(), up to PHYSTOP
//   PHYSTOP      0x8800_0000 (128 MiB of RAM)
//
// Kernel virtual (Sv39, satp.MODE = 8): RAM and devices mapped at their physical
// address (the direct map), plus at the top:
//
//   MAXVA - 4K   TRAMPOLINE (uservec/userret, also mapped in every process)
//   below it     per-process kernel stacks, each under an unmapped guard page
//
// Process virtual:
//
//   0x0000_0000  unmapped (a null pointer faults)
//   0x0000_1000  text, data, bss from the ELF (R/W/X as its PT_LOAD flags say)
//                guard page (no PTE_U), user stack (one page)
//   .. p->sz     heap grown by sbrk
//   MAXVA - 8K   TRAPFRAME (this process's saved user registers, no PTE_U)
//   MAXVA - 4K   TRAMPOLINE (no PTE_U)
#pragma once

#define FINISHER 0x100000L
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

#define CLINT 0x2000000L
#define CLINT_MTIMECMP(hart) (CLINT + 0x4000 + 8 * (hart))
#define CLINT_MTIME (CLINT + 0xBFF8)

#define PLIC 0x0c000000L
#define PLIC_SIZE 0x400000L
#define PLIC_PRIORITY(irq) (PLIC + 4 * (irq))
#define PLIC_SENABLE(hart) (PLIC + 0x2080 + (hart) * 0x100)
#define PLIC_STHRESHOLD(hart) (PLIC + 0x201000 + (hart) * 0x2000)
#define PLIC_SCLAIM(hart) (PLIC + 0x201004 + (hart) * 0x2000)

#define UART0 0x10000000L
#define UART0_IRQ 10

#define VIRTIO0 0x10001000L
#define VIRTIO_SLOTS 8
#define VIRTIO_SLOT_SIZE 0x1000
#define VIRTIO_IRQ(slot) (1 + (slot))

#define KERNBASE 0x80000000L
#define PHYSTOP (KERNBASE + 128 * 1024 * 1024)

#define TRAMPOLINE (MAXVA - PGSIZE)
#define KSTACK(p) (TRAMPOLINE - ((p) + 1) * 2 * PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)
#define USERBASE 0x1000L
