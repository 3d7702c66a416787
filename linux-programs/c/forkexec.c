/* forkexec: fork, execve and waitpid: a child that execs /bin/echo, one that
 * exits with a code, one that execs the shell, one killed by a signal, and
 * an exec of a missing file. The exec'd programs are the system's own (the
 * bundled ones on sv39, the host's under qemu-riscv64), which print the same. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

/* Forks; the child runs `child` and exits with what it returns; the parent
 * waits and returns the wait status. */
static int spawn_and_wait(int (*child)(void)) {
    /* Flushed first, so the child does not inherit (and print again) what
     * stdio holds: stdout is a pipe under qemu-riscv64, fully buffered. */
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(child());
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    return status;
}

static int exec_echo(void) {
    execl("/bin/echo", "echo", "hello", "from", "exec", (char *)NULL);
    return 127;
}

static int exit_42(void) {
    return 42;
}

static int exec_shell(void) {
    execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
    return 127;
}

static int killed(void) {
    kill(getpid(), SIGTERM);
    return 0;
}

static int exec_missing(void) {
    execl("/no/such/program", "x", (char *)NULL);
    return errno == ENOENT ? 3 : 4;
}

static pid_t parent;

static int check_parent(void) {
    return getppid() == parent ? 0 : 1;
}

/* Each child, and how it must end: an exit code, or minus a signal. */
static const struct {
    int (*child)(void);
    int want;
    const char *says;
} cases[] = {
    {exec_echo, 0, "echo exited with 0"},
    {exit_42, 42, "child exited with 42"},
    {exec_shell, 7, "sh -c 'exit 7' exited with 7"},
    {killed, -SIGTERM, "child killed by SIGTERM"},
    {exec_missing, 3, "exec of a missing file: ENOENT"},
    {check_parent, 0, "getppid in the child is the parent's pid"},
};

int main(void) {
    parent = getpid();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = spawn_and_wait(cases[i].child);
        int got = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : 1000;
        CHECK(got == cases[i].want);
        printf("%s\n", cases[i].says);
    }
    int st;
    CHECK(waitpid(-1, &st, 0) == -1 && errno == ECHILD);
    printf("no children left: ECHILD\n");
    return 0;
}
