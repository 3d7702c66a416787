// Kernel printf to the console (synchronous), and panic.
#include <stdarg.h>
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "riscv.h"
#include "defs.h"

volatile int panicked = 0;
static struct spinlock pr_lock;
static int pr_locking = 1; // off after a panic so other harts can still print

static char digits[] = "0123456789abcdef";

// Prints xx in base, signed if sign.
static void printint(long xx, int base, int sign) {
  char buf[24];
  unsigned long x = (sign && xx < 0) ? -xx : xx;
  int i = 0;
  do
    buf[i++] = digits[x % base];
  while ((x /= base) != 0);
  if (sign && xx < 0)
    buf[i++] = '-';
  while (--i >= 0)
    consputc(buf[i]);
}

// Prints fmt with %d %u %x %p %s %c %l.
void printf(char *fmt, ...) {
  va_list ap;
  int locking = pr_locking;
  if (locking)
    acquire(&pr_lock);
  va_start(ap, fmt);
  for (int i = 0; fmt[i]; i++) {
    char c = fmt[i];
    if (c != '%') {
      consputc(c);
      continue;
    }
    c = fmt[++i];
    int lng = 0;
    if (c == 'l') {
      lng = 1;
      c = fmt[++i];
    }
    if (c == 0)
      break;
    switch (c) {
    case 'd': printint(lng ? va_arg(ap, long) : va_arg(ap, int), 10, 1); break;
    case 'u': printint(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0); break;
    case 'x': printint(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0); break;
    case 'p':
      consputc('0');
      consputc('x');
      printint(va_arg(ap, uint64), 16, 0);
      break;
    case 's': {
      char *s = va_arg(ap, char *);
      for (s = s ? s : "(null)"; *s; s++)
        consputc(*s);
      break;
    }
    case 'c': consputc(va_arg(ap, int)); break;
    default: consputc('%'); consputc(c); break;
    }
  }
  va_end(ap);
  if (locking)
    release(&pr_lock);
}

// Reports s and stops the machine with the test finisher's failure code.
void panic(char *s) {
  pr_locking = 0;
  printf("panic: %s\n", s);
  panicked = 1;
  *(volatile uint32 *)0x100000L = 0x3333 | (3 << 16);
  for (;;)
    ;
}

void printfinit(void) {
  initlock(&pr_lock, "pr");
  pr_locking = 1;
}
