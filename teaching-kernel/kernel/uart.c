// The NS16550A UART: interrupt-driven output through a ring buffer, input
// handed to the console line discipline.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "defs.h"

#define Reg(r) ((volatile uchar *)(UART0 + (r)))
#define RHR 0 // receive holding
#define THR 0 // transmit holding
#define IER 1 // interrupt enable
#define IER_RX_ENABLE (1 << 0)
#define IER_TX_ENABLE (1 << 1)
#define FCR 2 // FIFO control
#define FCR_FIFO_ENABLE (1 << 0)
#define FCR_FIFO_CLEAR (3 << 1)
#define ISR 2 // interrupt status
#define LCR 3 // line control
#define LCR_EIGHT_BITS (3 << 0)
#define LCR_BAUD_LATCH (1 << 7)
#define LSR 5 // line status
#define LSR_RX_READY (1 << 0)
#define LSR_TX_IDLE (1 << 5)

#define ReadReg(r) (*(Reg(r)))
#define WriteReg(r, v) (*(Reg(r)) = (v))

static struct spinlock uart_tx_lock;
#define UART_TX_BUF_SIZE 32
static char uart_tx_buf[UART_TX_BUF_SIZE];
static uint64 uart_tx_w; // next slot to fill
static uint64 uart_tx_r; // next slot to send

extern volatile int panicked;

// Sets 38.4K baud, 8N1, FIFOs, and receive and transmit interrupts.
void uartinit(void) {
  WriteReg(IER, 0x00);
  WriteReg(LCR, LCR_BAUD_LATCH);
  WriteReg(0, 0x03); // divisor LSB
  WriteReg(1, 0x00); // divisor MSB
  WriteReg(LCR, LCR_EIGHT_BITS);
  WriteReg(FCR, FCR_FIFO_ENABLE | FCR_FIFO_CLEAR);
  WriteReg(IER, IER_TX_ENABLE | IER_RX_ENABLE);
  initlock(&uart_tx_lock, "uart");
}

// Sends as much of the buffer as the transmitter takes; uart_tx_lock held.
static void uartstart(void) {
  while (uart_tx_w != uart_tx_r) {
    if ((ReadReg(LSR) & LSR_TX_IDLE) == 0)
      return; // the THR-empty interrupt calls again
    int c = uart_tx_buf[uart_tx_r % UART_TX_BUF_SIZE];
    uart_tx_r += 1;
    wakeup(&uart_tx_r); // room in the buffer for uartputc()
    WriteReg(THR, c);
  }
}

// Queues c for output, sleeping while the buffer is full (process context).
void uartputc(int c) {
  acquire(&uart_tx_lock);
  while (panicked)
    ;
  while (uart_tx_w == uart_tx_r + UART_TX_BUF_SIZE)
    sleep(&uart_tx_r, &uart_tx_lock);
  uart_tx_buf[uart_tx_w % UART_TX_BUF_SIZE] = c;
  uart_tx_w += 1;
  uartstart();
  release(&uart_tx_lock);
}

// Sends c by polling, for kernel printf and echo (any context).
void uartputc_sync(int c) {
  push_off();
  while ((ReadReg(LSR) & LSR_TX_IDLE) == 0)
    ;
  WriteReg(THR, c);
  pop_off();
}

// The UART's interrupt: take received bytes, then send more.
void uartintr(void) {
  (void)ReadReg(ISR);
  while (ReadReg(LSR) & LSR_RX_READY)
    consoleintr(ReadReg(RHR));
  acquire(&uart_tx_lock);
  uartstart();
  release(&uart_tx_lock);
}
