/* pipe: a pipe between two processes, both ways: a child writes more than a
 * pipe holds (so both sides block in turn) and the parent counts it; then
 * the parent feeds /bin/cat through its stdin and cat prints it. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define TOTAL 200000 /* more than a pipe holds: 64 KiB on Linux */

int main(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(stdout); /* the child must not inherit buffered output */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        unsigned char buf[1000];
        for (size_t done = 0; done < TOTAL; done += sizeof buf) {
            for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)((done + i) % 251);
            if (write(fds[1], buf, sizeof buf) != sizeof buf) _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    unsigned long sum = 0;
    int in_order = 1;
    unsigned char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            in_order &= buf[i] == (got + i) % 251;
            sum += buf[i];
        }
        got += n;
    }
    CHECK(n == 0 && close(fds[0]) == 0);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(got == TOTAL && in_order);
    printf("child to parent: %zu bytes in order, sum %lu\n", got, sum);

    CHECK(pipe(fds) == 0);
    fflush(stdout);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/cat", "cat", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    const char *text = "line one through cat\nline two through cat\n";
    CHECK(write(fds[1], text, strlen(text)) == (ssize_t)strlen(text));
    close(fds[1]); /* EOF for cat */
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("parent to cat: cat exited with 0\n");
    return 0;
}
