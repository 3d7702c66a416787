/* Trap entry and exit (stvec = trap_vector, direct mode).
 *
 * sscratch holds the running process's trap frame while it is in U-mode and 0
 * while the kernel runs, so the first instruction tells the two apart.
 * TrapFrame (trap/mod.rs): x0-x31 at 8*i, sepc 256, sstatus 264, kernel_sp 272;
 * 288 bytes. A user trap frame sits at the top of the process's kernel stack
 * and kernel_sp points just below it. */

/* save_regs BASE / load_regs BASE, SKIP: x1 and x3-x31 to or from the trap
 * frame at BASE (x2, the stack pointer, has its own slot; a register named
 * in SKIP is left alone). */
    .macro save_regs base
    .irp i, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\i, (\i * 8)(\base)
    .endr
    .endm

    .macro load_regs base, skip=-1
    .irp i, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .if \i != \skip
    ld      x\i, (\i * 8)(\base)
    .endif
    .endr
    .endm

    .section .text
    .p2align 2
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp
    beqz    sp, from_kernel
    /* From U-mode: sp = trap frame, sscratch = user sp. */
    save_regs sp
    csrr    t0, sscratch
    sd      t0, 16(sp)
    csrr    t0, sepc
    sd      t0, 256(sp)
    csrr    t0, sstatus
    sd      t0, 264(sp)
    csrw    sscratch, zero
    mv      a0, sp
    ld      sp, 272(sp)
    call    user_trap                   # never returns; leaves by return_to_user
1:  j       1b

/* return_to_user(frame): resumes the process whose trap frame is a0. */
    .globl return_to_user
return_to_user:
    ld      t0, 256(a0)
    csrw    sepc, t0
    ld      t0, 264(a0)
    csrw    sstatus, t0
    csrw    sscratch, a0
    load_regs a0, skip=10         # a0 last: it holds the frame
    ld      sp, 16(a0)
    ld      a0, 80(a0)
    sret

from_kernel:
    /* From S-mode: sscratch = the kernel sp; put it back and keep sscratch 0. */
    csrrw   sp, sscratch, sp
    addi    sp, sp, -288
    save_regs sp
    csrr    t0, sepc
    sd      t0, 256(sp)
    csrr    t0, sstatus
    sd      t0, 264(sp)
    mv      a0, sp
    call    kernel_trap
    ld      t0, 256(sp)
    csrw    sepc, t0
    ld      t0, 264(sp)
    csrw    sstatus, t0
    load_regs sp
    addi    sp, sp, 288
    sret
