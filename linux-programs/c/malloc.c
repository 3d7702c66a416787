/* malloc: heavy heap work: many small blocks of mixed sizes freed in a
 * shuffled order, realloc growth, and blocks big enough that glibc takes them
 * from mmap rather than brk. Every block's contents are checked. */
#include <stdint.h>
#include <string.h>
#include "check.h"

#define BLOCKS 20000

static uint32_t seed = 12345;

/* A fixed pseudo-random sequence (an LCG), the same on every system. */
static uint32_t next(void) {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static unsigned char *block[BLOCKS];
static size_t size[BLOCKS];

static void fill(unsigned char *p, size_t n, unsigned tag) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(tag + i * 7);
}

static int intact(const unsigned char *p, size_t n, unsigned tag) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag + i * 7)) return 0;
    return 1;
}

int main(void) {
    size_t total = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < BLOCKS; i++) {
            if (block[i]) {
                CHECK(intact(block[i], size[i], i));
                free(block[i]);
            }
            size[i] = 1 + next() % (round == 3 ? 4000 : 300);
            block[i] = malloc(size[i]);
            CHECK(block[i] != NULL);
            fill(block[i], size[i], i);
            total += size[i];
        }
        /* Free every other block in a scrambled order, leaving holes. */
        for (int k = 0; k < BLOCKS / 2; k++) {
            int i = next() % BLOCKS;
            if (block[i]) {
                CHECK(intact(block[i], size[i], i));
                free(block[i]);
                block[i] = NULL;
            }
        }
    }
    for (int i = 0; i < BLOCKS; i++) {
        if (block[i]) CHECK(intact(block[i], size[i], i));
        free(block[i]);
    }
    printf("malloc: %d rounds of %d blocks, %zu bytes in all, contents intact\n", 4, BLOCKS, total);

    /* realloc keeps the prefix while the block grows and moves. */
    unsigned char *p = NULL;
    size_t n = 0;
    for (size_t want = 16; want <= (1 << 20); want *= 2) {
        p = realloc(p, want);
        CHECK(p != NULL);
        CHECK(intact(p, n, 99));
        fill(p, want, 99);
        n = want;
    }
    free(p);
    printf("realloc: grew to %zu bytes, prefix kept each time\n", n);

    /* Above glibc's mmap threshold (128 KiB): mmap'd, then munmap'd by free. */
    for (int mib = 1; mib <= 16; mib *= 2) {
        size_t len = (size_t)mib << 20;
        unsigned char *big = malloc(len);
        CHECK(big != NULL);
        memset(big, 0xa5, len);
        CHECK(big[0] == 0xa5 && big[len / 2] == 0xa5 && big[len - 1] == 0xa5);
        free(big);
        printf("big block: %d MiB\n", mib);
    }
    unsigned char *zeros = calloc(1 << 20, 1);
    CHECK(zeros != NULL);
    for (size_t i = 0; i < (1 << 20); i++) CHECK(zeros[i] == 0);
    free(zeros);
    printf("calloc: 1 MiB of zeros\n");
    return 0;
}
