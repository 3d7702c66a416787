/* mmapfile: mmap of a file: a private read mapping sees the file, a shared
 * writable one changes it (read back with read()), a private write does not;
 * a mapping past the end of the file reads zeros to the page's end. */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

#define LEN (3 * 4096 + 100) /* three pages and part of a fourth */

static unsigned char byte_at(size_t i) {
    return (unsigned char)(i * 13 + i / 4096);
}

int main(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/sv39-mmapfile-%d", (int)getpid()); /* unique under qemu-riscv64 */
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static unsigned char data[LEN];
    for (size_t i = 0; i < LEN; i++) data[i] = byte_at(i);
    CHECK(write(fd, data, LEN) == LEN);

    unsigned char *ro = mmap(NULL, LEN, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(ro != MAP_FAILED);
    CHECK(memcmp(ro, data, LEN) == 0);
    for (size_t i = LEN; i < 4 * 4096; i++) CHECK(ro[i] == 0);
    printf("private mapping: %d bytes as written, zeros to the page's end\n", LEN);

    unsigned char *rw = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(rw != MAP_FAILED);
    memcpy(rw + 4096 - 3, "shared!", 7); /* across a page boundary */
    CHECK(msync(rw, LEN, MS_SYNC) == 0);
    CHECK(munmap(rw, LEN) == 0);
    char back[8] = {0};
    CHECK(pread(fd, back, 7, 4096 - 3) == 7);
    CHECK(strcmp(back, "shared!") == 0);
    printf("shared mapping: the write reached the file: %s\n", back);

    unsigned char *cow = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 2 * 4096);
    CHECK(cow != MAP_FAILED);
    CHECK(cow[5] == byte_at(2 * 4096 + 5));
    cow[5] ^= 0xff;
    CHECK(pread(fd, back, 1, 2 * 4096 + 5) == 1 && (unsigned char)back[0] == byte_at(2 * 4096 + 5));
    printf("private write at offset 8192: the file is unchanged\n");

    CHECK(munmap(ro, LEN) == 0 && munmap(cow, 4096) == 0);
    CHECK(close(fd) == 0 && unlink(path) == 0);

    unsigned char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED);
    for (size_t i = 0; i < (1 << 20); i += 4096) CHECK(anon[i] == 0);
    anon[12345] = 1;
    CHECK(mprotect(anon, 1 << 20, PROT_READ) == 0 && anon[12345] == 1);
    CHECK(munmap(anon, 1 << 20) == 0);
    printf("anonymous mapping: 1 MiB of zeros, mprotect, munmap\n");
    return 0;
}
