// The PLIC: route the UART and virtio disk interrupts to each hart's S-mode
// context (context 2 * hart + 1 on QEMU's virt board).
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "defs.h"

#define W32(a) (*(volatile uint32 *)(a))

// Gives the UART and the disk a non-zero priority (0 means never).
void plicinit(void) {
  W32(PLIC_PRIORITY(UART0_IRQ)) = 1;
  W32(PLIC_PRIORITY(virtio_disk_irq())) = 1;
}

// Enables both sources for this hart's S-mode context, threshold 0.
void plicinithart(void) {
  int hart = cpuid();
  W32(PLIC_SENABLE(hart)) = (1 << UART0_IRQ) | (1 << virtio_disk_irq());
  W32(PLIC_STHRESHOLD(hart)) = 0;
}

// The highest-priority pending source for this hart, or 0.
int plic_claim(void) { return W32(PLIC_SCLAIM(cpuid())); }

// Tells the PLIC this hart has served irq.
void plic_complete(int irq) { W32(PLIC_SCLAIM(cpuid())) = irq; }
