# Every hart starts here in M-mode at 0x80000000 (the boot ROM jumps here with
# a0 = mhartid). Give each hart its own 4 KiB stack in stack0 and call start().
        .section .text.entry
        .globl _entry
_entry:
        csrr a1, mhartid
        li a2, 8                # NCPU: park harts the kernel has no room for
        bgeu a1, a2, park
        la sp, stack0
        li a0, 4096
        addi a1, a1, 1
        mul a0, a0, a1
        add sp, sp, a0          # sp = stack0 + (mhartid + 1) * 4096
        call start
park:
        wfi
        j park
