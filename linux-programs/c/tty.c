/* tty: the terminal as a program sees it.
 *   tty isatty    prints "0:tty 1:notty 2:tty", isatty() of fds 0-2 (TCGETS)
 *   tty sigint    prints "ready", waits up to 20 s for a SIGINT, whose
 *                 handler prints "caught SIGINT"; exits 0 if it came
 *   tty session   checks setsid, setpgid, getpgid, getsid and kill of a
 *                 group as setpgid(2) and setsid(2) describe them */
#include "check.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_sigint(int sig) {
    static const char msg[] = "caught SIGINT\n";
    (void)sig;
    caught = 1;
    (void)!write(1, msg, sizeof msg - 1);
}

static int do_isatty(void) {
    for (int fd = 0; fd < 3; fd++) {
        printf("%s%d:%s", fd ? " " : "", fd, isatty(fd) ? "tty" : "notty");
    }
    printf("\n");
    return 0;
}

static int do_sigint(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    CHECK(sigaction(SIGINT, &sa, NULL) == 0);
    printf("ready\n");
    fflush(stdout);
    for (int i = 0; i < 200 && !caught; i++) {
        usleep(100000);
    }
    return caught ? 0 : 1;
}

/* A child that waits in a group of its own, made by parent and child both. */
static pid_t child_in_own_group(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    CHECK(setpgid(pid, pid) == 0);
    return pid;
}

static int do_session(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pid_t me = getpid();
        CHECK(setsid() == me);
        CHECK(getsid(0) == me && getpgid(0) == me);
        CHECK(setsid() == -1 && errno == EPERM);      /* already a group leader */
        CHECK(setpgid(0, 0) == -1 && errno == EPERM); /* a session leader */
        CHECK(tcgetpgrp(0) == -1 && errno == ENOTTY); /* no controlling terminal */
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("setsid: a new session and group, no terminal\n");

    CHECK(setpgid(0, -1) == -1 && errno == EINVAL);
    CHECK(setpgid(pid, 0) == -1 && errno == ESRCH); /* reaped: no such child */
    CHECK(getpgid(pid) == -1 && errno == ESRCH);
    pid_t a = child_in_own_group();
    CHECK(getpgid(a) == a && getsid(a) == getsid(0));
    pid_t b = fork();
    CHECK(b >= 0);
    if (b == 0) {
        pause();
        _exit(0);
    }
    CHECK(setpgid(b, a) == 0 && getpgid(b) == a); /* into a's group */
    CHECK(setpgid(b, 0x7ffffff0) == -1 && errno == EPERM); /* no such group */
    printf("setpgid: groups made and joined\n");

    CHECK(kill(-a, SIGTERM) == 0);
    for (int i = 0; i < 2; i++) {
        pid_t w = wait(&status);
        CHECK((w == a || w == b) && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    }
    CHECK(kill(-a, SIGTERM) == -1 && errno == ESRCH);
    printf("kill(-pgid): the whole group\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "isatty") == 0) {
        return do_isatty();
    }
    if (argc == 2 && strcmp(argv[1], "sigint") == 0) {
        return do_sigint();
    }
    if (argc == 2 && strcmp(argv[1], "session") == 0) {
        return do_session();
    }
    fprintf(stderr, "usage: tty isatty|sigint|session\n");
    return 2;
}
