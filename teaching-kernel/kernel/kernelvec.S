# Trap vectors that run on the kernel's own stack.

# kernelvec: S-mode traps taken while in the kernel (stvec while in S-mode).
# Saves the caller-saved registers, calls kerneltrap(), restores, sret.
        .globl kerneltrap
        .globl kernelvec
        .align 4
kernelvec:
        addi sp, sp, -256
        sd ra, 0(sp)
        sd gp, 16(sp)
        sd t0, 32(sp)
        sd t1, 40(sp)
        sd t2, 48(sp)
        sd a0, 72(sp)
        sd a1, 80(sp)
        sd a2, 88(sp)
        sd a3, 96(sp)
        sd a4, 104(sp)
        sd a5, 112(sp)
        sd a6, 120(sp)
        sd a7, 128(sp)
        sd t3, 216(sp)
        sd t4, 224(sp)
        sd t5, 232(sp)
        sd t6, 240(sp)
        call kerneltrap
        ld ra, 0(sp)
        ld gp, 16(sp)
        ld t0, 32(sp)
        ld t1, 40(sp)
        ld t2, 48(sp)
        ld a0, 72(sp)
        ld a1, 80(sp)
        ld a2, 88(sp)
        ld a3, 96(sp)
        ld a4, 104(sp)
        ld a5, 112(sp)
        ld a6, 120(sp)
        ld a7, 128(sp)
        ld t3, 216(sp)
        ld t4, 224(sp)
        ld t5, 232(sp)
        ld t6, 240(sp)
        addi sp, sp, 256
        sret

# timervec: the M-mode machine-timer interrupt (mtvec). mscratch points at
# this hart's timer_scratch: [0..2] room for a1..a3, [3] &mtimecmp, [4] interval.
# Re-arms mtimecmp and raises a supervisor software interrupt (sip.SSIP),
# which the S-mode kernel takes as its clock tick.
        .globl timervec
        .align 4
timervec:
        csrrw a0, mscratch, a0
        sd a1, 0(a0)
        sd a2, 8(a0)
        sd a3, 16(a0)
        ld a1, 24(a0)           # &mtimecmp[hart]
        ld a2, 32(a0)           # interval
        ld a3, 0(a1)
        add a3, a3, a2
        sd a3, 0(a1)            # mtimecmp += interval (clears mip.MTIP)
        li a1, 2
        csrw sip, a1            # sip.SSIP = 1
        ld a3, 16(a0)
        ld a2, 8(a0)
        ld a1, 0(a0)
        csrrw a0, mscratch, a0
        mret
