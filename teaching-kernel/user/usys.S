# System call stubs: number in a7, arguments in a0..a5, ecall, result in a0.
#include "../kernel/syscall.h"
        .globl fork
fork:
        li a7, SYS_fork
        ecall
        ret
        .globl exit
exit:
        li a7, SYS_exit
        ecall
        ret
        .globl wait
wait:
        li a7, SYS_wait
        ecall
        ret
        .globl pipe
pipe:
        li a7, SYS_pipe
        ecall
        ret
        .globl read
read:
        li a7, SYS_read
        ecall
        ret
        .globl kill
kill:
        li a7, SYS_kill
        ecall
        ret
        .globl exec
exec:
        li a7, SYS_exec
        ecall
        ret
        .globl fstat
fstat:
        li a7, SYS_fstat
        ecall
        ret
        .globl chdir
chdir:
        li a7, SYS_chdir
        ecall
        ret
        .globl dup
dup:
        li a7, SYS_dup
        ecall
        ret
        .globl getpid
getpid:
        li a7, SYS_getpid
        ecall
        ret
        .globl sbrk
sbrk:
        li a7, SYS_sbrk
        ecall
        ret
        .globl sleep
sleep:
        li a7, SYS_sleep
        ecall
        ret
        .globl uptime
uptime:
        li a7, SYS_uptime
        ecall
        ret
        .globl open
open:
        li a7, SYS_open
        ecall
        ret
        .globl write
write:
        li a7, SYS_write
        ecall
        ret
        .globl mknod
mknod:
        li a7, SYS_mknod
        ecall
        ret
        .globl unlink
unlink:
        li a7, SYS_unlink
        ecall
        ret
        .globl link
link:
        li a7, SYS_link
        ecall
        ret
        .globl mkdir
mkdir:
        li a7, SYS_mkdir
        ecall
        ret
        .globl close
close:
        li a7, SYS_close
        ecall
        ret
        .globl poweroff
poweroff:
        li a7, SYS_poweroff
        ecall
        ret
