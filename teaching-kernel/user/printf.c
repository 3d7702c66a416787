// User printf: %d %u %x %p %s %c (and %l), buffered per call, one write.
#include <stdarg.h>
#include "user.h"

struct out {
  int fd, n;
  char buf[256];
};

static void putc(struct out *o, char c) {
  if (o->n == sizeof(o->buf)) {
    write(o->fd, o->buf, o->n);
    o->n = 0;
  }
  o->buf[o->n++] = c;
}

static void printint(struct out *o, long xx, int base, int sgn) {
  static char digits[] = "0123456789abcdef";
  char buf[24];
  int i = 0, neg = sgn && xx < 0;
  unsigned long x = neg ? -xx : xx;
  do
    buf[i++] = digits[x % base];
  while ((x /= base) != 0);
  if (neg)
    buf[i++] = '-';
  while (--i >= 0)
    putc(o, buf[i]);
}

static void vprintf(int fd, const char *fmt, va_list ap) {
  struct out o = {fd, 0, {0}};
  for (int i = 0; fmt[i]; i++) {
    char c = fmt[i];
    if (c != '%') {
      putc(&o, c);
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
    if (c == 'd')
      printint(&o, lng ? va_arg(ap, long) : va_arg(ap, int), 10, 1);
    else if (c == 'u')
      printint(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0);
    else if (c == 'x')
      printint(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0);
    else if (c == 'p') {
      putc(&o, '0');
      putc(&o, 'x');
      printint(&o, va_arg(ap, uint64), 16, 0);
    } else if (c == 's') {
      const char *s = va_arg(ap, char *);
      for (s = s ? s : "(null)"; *s; s++)
        putc(&o, *s);
    } else if (c == 'c')
      putc(&o, va_arg(ap, int));
    else {
      putc(&o, '%');
      putc(&o, c);
    }
  }
  if (o.n)
    write(fd, o.buf, o.n);
}

void fprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fd, fmt, ap);
  va_end(ap);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(1, fmt, ap);
  va_end(ap);
}
