/* qsort: sorts a large array of integers and one of strings with glibc's
 * qsort, then checks the order and that nothing was lost. */
#include <stdint.h>
#include <string.h>
#include "check.h"

#define N 200000

static uint32_t seed = 2024;

static uint32_t next(void) {
    seed = seed * 1664525u + 1013904223u;
    return seed;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    static int64_t v[N];
    uint64_t sum = 0, xor = 0;
    for (int i = 0; i < N; i++) {
        v[i] = (int64_t)(int32_t)next() * 3;
        sum += (uint64_t)v[i];
        xor ^= (uint64_t)v[i];
    }
    qsort(v, N, sizeof v[0], by_value);
    uint64_t sum2 = 0, xor2 = 0;
    for (int i = 0; i < N; i++) {
        if (i > 0) CHECK(v[i - 1] <= v[i]);
        sum2 += (uint64_t)v[i];
        xor2 ^= (uint64_t)v[i];
    }
    CHECK(sum == sum2 && xor == xor2);
    printf("qsort: %d integers sorted, min %lld, median %lld, max %lld, sum %llu\n", N, (long long)v[0],
           (long long)v[N / 2], (long long)v[N - 1], (unsigned long long)sum);

    enum { S = 20000 };
    static char text[S][12];
    static char *s[S];
    for (int i = 0; i < S; i++) {
        snprintf(text[i], sizeof text[i], "w%08x", next());
        s[i] = text[i];
    }
    qsort(s, S, sizeof s[0], by_string);
    for (int i = 1; i < S; i++) CHECK(strcmp(s[i - 1], s[i]) <= 0);
    printf("qsort: %d strings sorted, first %s, last %s\n", S, s[0], s[S - 1]);
    return 0;
}
