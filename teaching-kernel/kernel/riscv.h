// CSR access and Sv39 page-table definitions, spelled as in the RISC-V
// Privileged Architecture 1.12.
#pragma once
#include "types.h"

#define CSR_READ(name) ({ uint64 v_; asm volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define CSR_WRITE(name, v) asm volatile("csrw " #name ", %0" : : "r"((uint64)(v)))
#define CSR_SET(name, v) asm volatile("csrs " #name ", %0" : : "r"((uint64)(v)))
#define CSR_CLEAR(name, v) asm volatile("csrc " #name ", %0" : : "r"((uint64)(v)))

// mstatus / sstatus fields (3.1.6, 4.1.1)
#define MSTATUS_MPP_MASK (3L << 11)
#define MSTATUS_MPP_S (1L << 11)
#define MSTATUS_MIE (1L << 3)
#define SSTATUS_SPP (1L << 8)  // previous mode, 1 = S
#define SSTATUS_SPIE (1L << 5) // S interrupts enabled before the trap
#define SSTATUS_SIE (1L << 1)  // S interrupts enabled

// sie / sip bits (4.1.3)
#define SIE_SSIE (1L << 1)
#define SIE_STIE (1L << 5)
#define SIE_SEIE (1L << 9)
#define SIP_SSIP (1L << 1)
#define MIE_MTIE (1L << 7)

// scause values (4.1.9)
#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_EXT 9
#define EXC_ECALL_U 8

// pmpcfg fields (3.7.1)
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A_TOR 0x08

// satp (4.1.11): MODE = 8 is Sv39
#define SATP_SV39 (8L << 60)
#define MAKE_SATP(pagetable) (SATP_SV39 | (((uint64)(pagetable)) >> 12))

// Sv39 PTE bits (4.3.1, 4.4.1); the kernel never sets A or D itself: the
// hardware (QEMU, sv39) sets them on first access and first store.
#define PTE_V (1L << 0)
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)
#define PTE_G (1L << 5)
#define PTE_A (1L << 6)
#define PTE_D (1L << 7)

#define PGSIZE 4096
#define PGSHIFT 12
#define PGROUNDUP(sz) (((sz) + PGSIZE - 1) & ~(uint64)(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(uint64)(PGSIZE - 1))

#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)
#define VPN_SHIFT(level) (PGSHIFT + 9 * (level))
#define VPN(level, va) ((((uint64)(va)) >> VPN_SHIFT(level)) & 0x1FF)

// One below the top of Sv39's lower half, so no address needs sign extension.
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

static inline uint64 r_mhartid(void) { return CSR_READ(mhartid); }
static inline uint64 r_tp(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return x; }
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" : : "r"(x)); }
static inline uint64 r_time(void) { return CSR_READ(time); }

// Enables S-mode interrupts on this hart.
static inline void intr_on(void) { CSR_SET(sstatus, SSTATUS_SIE); }
// Disables S-mode interrupts on this hart.
static inline void intr_off(void) { CSR_CLEAR(sstatus, SSTATUS_SIE); }
// Whether S-mode interrupts are enabled on this hart.
static inline int intr_get(void) { return (CSR_READ(sstatus) & SSTATUS_SIE) != 0; }

// Flushes this hart's whole TLB.
static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero"); }
