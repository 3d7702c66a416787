// The console device (major CONSOLE): line-at-a-time input with erase and
// kill, output through the UART.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "riscv.h"
#include "proc.h"
#include "defs.h"

#define BACKSPACE 0x100
#define C(x) ((x) - '@') // control-x

static struct {
  struct spinlock lock;
  char buf[128];
  uint r; // read index
  uint w; // end of committed lines
  uint e; // edit index
} cons;

// Writes c to the UART synchronously (kernel printf, echo).
void consputc(int c) {
  if (c == BACKSPACE) {
    uartputc_sync('\b');
    uartputc_sync(' ');
    uartputc_sync('\b');
  } else {
    uartputc_sync(c);
  }
}

// write() on the console: copies n bytes from src and queues them; the
// count, or -1 if not even the first byte could be read.
static int consolewrite(int user_src, uint64 src, int n) {
  int i;
  for (i = 0; i < n; i++) {
    char c;
    if (either_copyin(&c, user_src, src + i, 1) == -1)
      return i > 0 ? i : -1;
    uartputc(c);
  }
  return i;
}

// read() on the console: up to n bytes of one line; 0 at ^D.
static int consoleread(int user_dst, uint64 dst, int n) {
  uint target = n;
  acquire(&cons.lock);
  while (n > 0) {
    while (cons.r == cons.w) {
      if (killed(myproc())) {
        release(&cons.lock);
        return -1;
      }
      sleep(&cons.r, &cons.lock);
    }
    int c = cons.buf[cons.r++ % sizeof(cons.buf)];
    if (c == C('D')) {
      if ((uint)n < target)
        cons.r--; // leave ^D for the next read, which returns 0
      break;
    }
    char cbuf = c;
    if (either_copyout(user_dst, dst, &cbuf, 1) == -1)
      break;
    dst++;
    --n;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return target - n;
}

// One input byte from the UART interrupt: edit the line, wake readers at its end.
void consoleintr(int c) {
  acquire(&cons.lock);
  switch (c) {
  case C('U'): // kill line
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % sizeof(cons.buf)] != '\n') {
      cons.e--;
      consputc(BACKSPACE);
    }
    break;
  case C('H'):
  case '\x7f':
    if (cons.e != cons.w) {
      cons.e--;
      consputc(BACKSPACE);
    }
    break;
  default:
    if (c != 0 && cons.e - cons.r < sizeof(cons.buf)) {
      c = (c == '\r') ? '\n' : c;
      consputc(c);
      cons.buf[cons.e++ % sizeof(cons.buf)] = c;
      if (c == '\n' || c == C('D') || cons.e - cons.r == sizeof(cons.buf)) {
        cons.w = cons.e;
        wakeup(&cons.r);
      }
    }
    break;
  }
  release(&cons.lock);
}

void consoleinit(void) {
  initlock(&cons.lock, "cons");
  uartinit();
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
}
