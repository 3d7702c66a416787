/* The M-mode trap handler: what is left of M-mode once the kernel runs in S.
 *
 * ecall from S (a7 = function, a0.. = arguments, a0 = result):
 *   0 SET_TIMER(deadline): CLINT mode only; sets mtimecmp, clears STIP.
 *   1 TIMER_INIT(sstc, mtimecmp address, finisher address): sets the
 *     CLINT's mtimecmp (if there is one) to "never", so MTIP does not stay
 *     pending from its reset value 0; then with sstc = 1 sets menvcfg.STCE
 *     so S-mode owns stimecmp, else arms the CLINT path.
 * Machine timer interrupt: forwarded to S as STIP (MTIE off until the next
 * SET_TIMER). Anything else: power off failing through the finisher.
 *
 * m_scratch: [0] mtimecmp address (0 with Sstc), [8] finisher address,
 * [16..40] saved t0-t2. */

    .section .text
    .p2align 2
    .globl m_trap
m_trap:
    csrrw   sp, mscratch, sp
    sd      t0, 16(sp)
    sd      t1, 24(sp)
    sd      t2, 32(sp)
    csrr    t0, mcause
    bltz    t0, m_interrupt
    li      t1, 9                       # environment call from S-mode
    bne     t0, t1, m_fatal
    csrr    t1, mepc
    addi    t1, t1, 4
    csrw    mepc, t1
    beqz    a7, m_set_timer
    li      t1, 1
    beq     a7, t1, m_timer_init
    li      a0, -1
    j       m_return

m_set_timer:
    ld      t0, 0(sp)
    beqz    t0, 1f                      # Sstc mode: S-mode owns stimecmp
    sd      a0, 0(t0)
    li      t1, 1 << 5
    csrc    mip, t1                     # STIP: this tick is served
    li      t1, 1 << 7
    csrs    mie, t1                     # MTIE
    mv      a0, zero
    j       m_return
1:  li      a0, -1
    j       m_return

m_timer_init:
    sd      a2, 8(sp)
    li      t1, -1
    beqz    a1, 2f
    sd      t1, 0(a1)                   # no machine deadline yet
2:  beqz    a0, 1f
    li      t1, 1
    slli    t1, t1, 63                  # menvcfg.STCE
    csrs    menvcfg, t1
    sd      zero, 0(sp)
    mv      a0, zero
    j       m_return
1:  sd      a1, 0(sp)
    li      t1, 1 << 7
    csrs    mie, t1                     # MTIE
    mv      a0, zero
    j       m_return

m_interrupt:
    slli    t0, t0, 1
    srli    t0, t0, 1
    li      t1, 7                       # machine timer interrupt
    bne     t0, t1, m_fatal
    li      t1, 1 << 7
    csrc    mie, t1                     # MTIE off until the next SET_TIMER
    li      t1, 1 << 5
    csrs    mip, t1                     # STIP for S-mode

m_return:
    ld      t0, 16(sp)
    ld      t1, 24(sp)
    ld      t2, 32(sp)
    csrrw   sp, mscratch, sp
    mret

m_fatal:
    ld      t0, 8(sp)
    beqz    t0, 2f
    li      t1, (0x1ff << 16) | 0x3333  # FINISHER_FAIL with the panic status
    sw      t1, 0(t0)
2:  wfi
    j       2b

    .section .bss
    .p2align 4
m_scratch:
    .space  48
