# The first user program, linked at USERBASE (0x1000): exec("/init", argv).
#include "syscall.h"
        .globl start
start:
        la a0, init
        la a1, argv
        li a7, SYS_exec
        ecall
fail:                           # exec returns only on failure
        li a0, 1
        li a7, SYS_exit
        ecall
        j fail
init:
        .string "/init"
        .p2align 3
argv:
        .dword init
        .dword 0
