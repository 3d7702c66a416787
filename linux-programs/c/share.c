/* share: what a program does with the files of a directory shared from the
 * host (sv39's 9P shares), run in that directory: lists it, reads files,
 * follows symbolic links, stats, mmaps, walks `..` out of it; with "rw" it
 * creates, writes, renames and removes; with "ro" it shows the writes
 * refused. It prints what it saw, so the output can be compared with the
 * same program under qemu-riscv64 in a copy of the directory. Expects
 * a.txt, sub/b.txt, link -> sub/b.txt, dirlink -> sub, big.bin (BIG bytes
 * of byte_at(i)) and an empty directory empty/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define BIG 100000

static unsigned char byte_at(size_t i) {
    return (unsigned char)(i * 7 + i / 4096);
}

static const char *kind(unsigned char t) {
    return t == DT_DIR ? "dir" : t == DT_REG ? "file" : t == DT_LNK ? "link" : "other";
}

static void list(const char *dir) {
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    CHECK(n >= 0);
    printf("%s:", dir);
    for (int i = 0; i < n; i++) {
        printf(" %s(%s)", names[i]->d_name, kind(names[i]->d_type));
        free(names[i]);
    }
    printf("\n");
    free(names);
}

static void cat(const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open %s: %s\n", path, strerror(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n >= 0);
    buf[n] = 0;
    printf("%s: %s", path, buf);
    close(fd);
}

/* access and faccessat (faccessat2 when given flags): as root or as the
 * owner, reading and writing a.txt (0644) are allowed, executing it is not. */
static void access_checks(void) {
    static const char *const names[] = {"a.txt", "sub", "link", "nope"};
    for (int i = 0; i < 4; i++)
        printf("access %s: F %d, RW %d, X %s\n", names[i], access(names[i], F_OK), access(names[i], R_OK | W_OK),
               access(names[i], X_OK) == 0 ? "ok" : strerror(errno));
    printf("faccessat link nofollow: %d\n", faccessat(AT_FDCWD, "link", F_OK, AT_SYMLINK_NOFOLLOW));
    printf("faccessat a.txt eaccess: %d\n", faccessat(AT_FDCWD, "a.txt", R_OK, AT_EACCESS));
    printf("faccessat bad flags: %s\n", faccessat(AT_FDCWD, "a.txt", F_OK, 0x8000) < 0 ? strerror(errno) : "?");
}

static void stats(void) {
    struct stat st;
    CHECK(stat("a.txt", &st) == 0);
    printf("a.txt: size %lld, regular %d, mode %o\n", (long long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 07777);
    CHECK(lstat("link", &st) == 0);
    printf("link: lstat symlink %d, size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
    CHECK(stat("dirlink", &st) == 0);
    printf("dirlink: stat dir %d\n", S_ISDIR(st.st_mode));
    char target[PATH_MAX];
    ssize_t n = readlink("link", target, sizeof target);
    CHECK(n > 0);
    printf("readlink link: %.*s\n", (int)n, target);
    printf("readlink a.txt: %s\n", readlink("a.txt", target, sizeof target) < 0 ? strerror(errno) : "?");
    printf("stat nope: %s\n", stat("nope", &st) < 0 ? strerror(errno) : "?");
    printf("stat a.txt/x: %s\n", stat("a.txt/x", &st) < 0 ? strerror(errno) : "?");
    printf("open O_NOFOLLOW link: %s\n", open("link", O_RDONLY | O_NOFOLLOW) < 0 ? strerror(errno) : "?");
    printf("open O_DIRECTORY a.txt: %s\n", open("a.txt", O_RDONLY | O_DIRECTORY) < 0 ? strerror(errno) : "?");
    access_checks();
}

static void mapped(int flags, const char *what) {
    int fd = open("big.bin", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == BIG);
    unsigned char *p = mmap(NULL, BIG, PROT_READ, flags, fd, 0);
    CHECK(p != MAP_FAILED);
    size_t bad = 0;
    for (size_t i = 0; i < BIG; i++) {
        bad += p[i] != byte_at(i);
    }
    unsigned char *tail = mmap(NULL, 4096, PROT_READ, flags, fd, 8192);
    CHECK(tail != MAP_FAILED);
    printf("mmap %s: %zu bytes differ, at 8192 %d\n", what, bad, tail[5] == byte_at(8197));
    munmap(p, BIG);
    munmap(tail, 4096);
    close(fd);
}

static void offsets(void) {
    int fd = open("big.bin", O_RDONLY);
    CHECK(fd >= 0);
    unsigned char b[3];
    CHECK(pread(fd, b, 3, 70000) == 3);
    printf("pread 70000: %d, end at %lld\n", b[0] == byte_at(70000) && b[2] == byte_at(70002),
           (long long)lseek(fd, 0, SEEK_END));
    static unsigned char all[BIG + 10];
    lseek(fd, 0, SEEK_SET);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, all + got, sizeof all - got)) > 0) {
        got += n;
    }
    printf("read whole: %zu bytes, same %d\n", got, got == BIG && all[BIG - 1] == byte_at(BIG - 1));
    close(fd);
}

static void dotdot(void) {
    char here[PATH_MAX], up[PATH_MAX];
    CHECK(getcwd(here, sizeof here));
    CHECK(chdir("sub/..") == 0 && chdir("..") == 0);
    CHECK(getcwd(up, sizeof up));
    printf("cd ..: parent %d\n", strlen(up) < strlen(here) && strncmp(here, up, strlen(up)) == 0);
    CHECK(chdir(here) == 0);
    int d = open("sub", O_RDONLY | O_DIRECTORY);
    CHECK(d >= 0 && fchdir(d) == 0);
    cat("b.txt");
    CHECK(chdir(here) == 0);
    int at = openat(d, "b.txt", O_RDONLY);
    printf("openat sub b.txt: %d\n", at >= 0);
    close(at);
    close(d);
}

static void writes(void) {
    int fd = open("new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "first line\n", 11) == 11);
    close(fd);
    printf("O_EXCL again: %s\n", open("new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 ? strerror(errno) : "?");
    fd = open("new.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "appended\n", 9) == 9);
    close(fd);
    cat("new.txt");
    struct stat st;
    CHECK(stat("new.txt", &st) == 0);
    printf("new.txt: size %lld\n", (long long)st.st_size);
    CHECK(rename("new.txt", "renamed.txt") == 0);
    CHECK(mkdir("made", 0755) == 0);
    printf("mkdir again: %s\n", mkdir("made", 0755) < 0 ? strerror(errno) : "?");
    CHECK(rename("renamed.txt", "made/moved.txt") == 0);
    fd = open("trunc.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && ftruncate(fd, 4) == 0);
    close(fd);
    fd = open("trunc.txt", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && write(fd, "xy\n", 3) == 3);
    close(fd);
    cat("trunc.txt");
    CHECK(unlink("trunc.txt") == 0);
    printf("unlink again: %s\n", unlink("trunc.txt") < 0 ? strerror(errno) : "?");
    printf("rmdir non-empty: %s\n", rmdir("made") < 0 ? strerror(errno) : "?");
    CHECK(rmdir("empty") == 0);
    printf("mmap shared writable: %s\n", (fd = open("a.txt", O_RDWR)) >= 0 &&
           mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? "refused" : "mapped");
    close(fd);
    list(".");
    list("made");
}

static void refused(void) {
    printf("create: %s\n", open("new.txt", O_WRONLY | O_CREAT, 0644) < 0 ? strerror(errno) : "?");
    printf("write open: %s\n", open("a.txt", O_WRONLY) < 0 ? strerror(errno) : "?");
    printf("mkdir: %s\n", mkdir("made", 0755) < 0 ? strerror(errno) : "?");
    printf("unlink: %s\n", unlink("a.txt") < 0 ? strerror(errno) : "?");
    printf("rename: %s\n", rename("a.txt", "b.txt") < 0 ? strerror(errno) : "?");
}

int main(int argc, char **argv) {
    list(".");
    list("dirlink");
    cat("a.txt");
    cat("link");
    cat("dirlink/b.txt");
    cat("nope");
    stats();
    mapped(MAP_PRIVATE, "private");
    mapped(MAP_SHARED, "shared");
    offsets();
    dotdot();
    if (argc > 1 && strcmp(argv[1], "rw") == 0) {
        writes();
    } else if (argc > 1 && strcmp(argv[1], "ro") == 0) {
        refused();
    }
    return 0;
}
