# The bytes of initcode.S, built by the Makefile into $(BUILD)/initcode.bin.
        .section .rodata
        .globl initcode
        .globl initcode_end
        .p2align 3
initcode:
        .incbin INITCODE_BIN
initcode_end:
