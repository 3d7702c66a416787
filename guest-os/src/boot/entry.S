/* The first instructions: M-mode set-up on the boot hart, the drop to S-mode,
 * the boot page table, and the jump into the kernel's upper-half addresses.
 * Everything up to s_entry_high runs at physical addresses (la is pc-relative),
 * so it may only use t-registers: a0 = hartid and a1 = DTB travel to kmain. */

    .section .text.entry, "ax"
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park                    # one hart runs the kernel; the others park

    /* PMP entry 0: NAPOT over all of memory, RWX, or S and U cannot run. */
    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, 0x1f
    csrw    pmpcfg0, t0

    /* Every exception but ecalls from S and M goes to S-mode; ecalls from S
     * are the timer calls m_trap serves. Software, timer, external -> S. */
    li      t0, 0xb1ff
    csrw    medeleg, t0
    li      t0, 0x222
    csrw    mideleg, t0
    li      t0, 7                       # cycle, time, instret readable from S
    csrw    mcounteren, t0
    lla     t0, m_trap
    csrw    mtvec, t0
    lla     t0, m_scratch
    csrw    mscratch, t0
    csrw    mie, zero

    /* mret to s_entry in S-mode with paging off. */
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    lla     t0, s_entry
    csrw    mepc, t0
    csrw    satp, zero
    mret

park:
    wfi
    j       park

s_entry:
    /* Zero .bss (QEMU and sv39 already do; a reset by the finisher may not). */
    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /* Boot page table of 1 GiB leaves: VA = PA for the GiB holding this code,
     * and PHYS_OFFSET + PA -> PA for PA 0-4 GiB (devices and RAM). kmain
     * replaces it with the real kernel page table at once. */
    lla     t0, boot_page_table
    li      t1, (0x80000000 >> 2) | 0xcf# V R W X A D
    sd      t1, 16(t0)                  # VPN[2] of 0x8000_0000 is 2
    li      t3, 0xef                    # V R W X G A D, PA 0
    li      t4, 0x10000000              # 1 GiB in PTE units
    addi    t5, t0, 2047
    addi    t5, t5, 1                   # entry 256: PHYS_OFFSET
    li      t6, 4
3:  sd      t3, 0(t5)
    add     t3, t3, t4
    addi    t5, t5, 8
    addi    t6, t6, -1
    bnez    t6, 3b
    srli    t0, t0, 12
    li      t1, 8
    slli    t1, t1, 60                  # MODE = Sv39
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    lla     t1, .Lhigh
    ld      t0, 0(t1)
    jr      t0

    .balign 8
.Lhigh:
    .dword  s_entry_high

s_entry_high:
    lla     sp, boot_stack_top
    call    kmain
4:  wfi
    j       4b

    .section .bss.stack, "aw", @nobits
    .p2align 12
    .globl  boot_stack_guard
boot_stack_guard:                   /* left unmapped by the kernel page table */
    .space  4096
    .globl  boot_stack_top
boot_stack:
    .space  65536
boot_stack_top:
    .p2align 12
boot_page_table:
    .space  4096
