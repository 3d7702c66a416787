// The few C string functions the kernel uses (gcc also emits calls to memset/memcpy).
#include "types.h"

void *memset(void *dst, int c, uint n) {
  char *d = dst;
  uint i = 0;
  if (((uint64)d & 7) == 0) { // whole words first
    uint64 w = (uchar)c * 0x0101010101010101UL;
    for (; i + 8 <= n; i += 8)
      *(uint64 *)(d + i) = w;
  }
  for (; i < n; i++)
    d[i] = c;
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uchar *s = a, *t = b;
  for (; n > 0; n--, s++, t++)
    if (*s != *t)
      return *s - *t;
  return 0;
}

// Copies n bytes; the ranges may overlap.
void *memmove(void *dst, const void *src, uint n) {
  const char *s = src;
  char *d = dst;
  if (s < d && s + n > d) {
    s += n;
    d += n;
    while (n-- > 0)
      *--d = *--s;
  } else {
    while (n-- > 0)
      *d++ = *s++;
  }
  return dst;
}

void *memcpy(void *dst, const void *src, uint n) { return memmove(dst, src, n); }

int strncmp(const char *p, const char *q, uint n) {
  while (n > 0 && *p && *p == *q)
    n--, p++, q++;
  if (n == 0)
    return 0;
  return (uchar)*p - (uchar)*q;
}

char *strncpy(char *s, const char *t, int n) {
  char *os = s;
  while (n-- > 0 && (*s++ = *t++) != 0)
    ;
  while (n-- > 0)
    *s++ = 0;
  return os;
}

// Like strncpy but always NUL-terminates.
char *safestrcpy(char *s, const char *t, int n) {
  char *os = s;
  if (n <= 0)
    return os;
  while (--n > 0 && (*s++ = *t++) != 0)
    ;
  *s = 0;
  return os;
}

int strlen(const char *s) {
  int n = 0;
  while (s[n])
    n++;
  return n;
}
