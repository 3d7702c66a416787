/* threadsig: signals and the ends of a thread group. tgkill runs a handler
 * in the one thread it names; kill() to the process runs it in the thread
 * that does not block the signal; tgkill to a thread of another process is
 * ESRCH. Then, each in a child process of its own: a SIGSEGV in a second
 * thread kills the whole process; _exit() in main ends it while another
 * thread sleeps in read(); SIGKILL from the parent ends a process whose
 * threads all sleep; and execve from a second thread replaces the whole
 * process, which keeps its pid. Main prints everything but echo's line. */
#define _GNU_SOURCE
#include "check.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t gettid_(void) {
    return (pid_t)syscall(SYS_gettid);
}

static int tgkill_(pid_t tgid, pid_t tid, int sig) {
    return (int)syscall(SYS_tgkill, tgid, tid, sig);
}

/* Where each handler ran (a tid), and the worker's own tid. */
static volatile sig_atomic_t usr1_in, usr2_in, worker_tid, stop;

static void on_usr1(int sig) {
    (void)sig;
    usr1_in = gettid_();
}

static void on_usr2(int sig) {
    (void)sig;
    usr2_in = gettid_();
}

/* Yields until both handlers have run in it (or main says stop). */
static void *worker(void *arg) {
    (void)arg;
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    CHECK(pthread_sigmask(SIG_UNBLOCK, &usr2, NULL) == 0);
    worker_tid = gettid_();
    while (!stop)
        sched_yield();
    return NULL;
}

static void handle(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void wait_for(volatile sig_atomic_t *flag) {
    for (int i = 0; !*flag; i++) {
        CHECK(i < 1000000);
        sched_yield();
    }
}

static void signals_in_threads(void) {
    handle(SIGUSR1, on_usr1);
    handle(SIGUSR2, on_usr2);
    /* Main blocks SIGUSR2; the worker (which inherits the mask) unblocks it. */
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    CHECK(pthread_sigmask(SIG_BLOCK, &usr2, NULL) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    wait_for(&worker_tid);

    CHECK(tgkill_(getpid(), worker_tid, SIGUSR1) == 0);
    wait_for(&usr1_in);
    printf("tgkill: the handler ran in the thread named: %s\n", usr1_in == worker_tid ? "yes" : "no");

    CHECK(kill(getpid(), SIGUSR2) == 0);
    wait_for(&usr2_in);
    printf("kill to the process: the handler ran in the thread that does not block it: %s\n",
           usr2_in == worker_tid ? "yes" : "no");

    /* Signal 0 only checks that the thread is there, in that process. */
    errno = 0;
    int r = tgkill_(getppid(), worker_tid, 0);
    printf("tgkill with another process's pid: %s\n", r == -1 && errno == ESRCH ? "ESRCH" : "found?");
    stop = 1;
    CHECK(pthread_join(t, NULL) == 0);
}

/* Forks; the child runs `child` (and exits 0 if it returns); returns the
 * child's wait status, and its pid in *pid. */
static int in_child(void (*child)(void), pid_t *pid) {
    fflush(stdout);
    *pid = fork();
    CHECK(*pid >= 0);
    if (*pid == 0) {
        child();
        _exit(0);
    }
    int status;
    CHECK(waitpid(*pid, &status, 0) == *pid);
    return status;
}

static void *fault(void *arg) {
    (void)arg;
    int *volatile bad = (int *)16; /* volatile: the compiler cannot see it is bad */
    *bad = 1;
    return NULL;
}

static void a_thread_faults(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fault, NULL) == 0);
    pthread_join(t, NULL);
    _exit(2); /* not reached: the fault ends the process */
}

static int pipe_fds[2];

static void *read_forever(void *arg) {
    (void)arg;
    char c;
    ssize_t n = read(pipe_fds[0], &c, 1);
    (void)n;
    _exit(2); /* not reached: nobody writes */
}

static void main_exits_while_a_thread_reads(void) {
    CHECK(pipe(pipe_fds) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_forever, NULL) == 0);
    sched_yield();
    _exit(9);
}

static _Noreturn void *sleep_forever(void *arg) {
    (void)arg;
    for (;;)
        sleep(1000);
}

static void threads_sleep(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&t[i], NULL, sleep_forever, NULL) == 0);
    kill(getppid(), SIGUSR1); /* ready */
    sleep_forever(NULL);
}

static void *exec_echo(void *arg) {
    (void)arg;
    execl("/bin/echo", "echo", "echo, exec'd by a second thread", (char *)NULL);
    _exit(127);
}

static void exec_from_a_thread(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, exec_echo, NULL) == 0);
    for (;;)
        sleep(1000); /* ended by the exec */
}

static volatile sig_atomic_t ready;

static void on_ready(int sig) {
    (void)sig;
    ready = 1;
}

int main(void) {
    signals_in_threads();

    pid_t pid;
    int st = in_child(a_thread_faults, &pid);
    printf("SIGSEGV in a second thread: the process %s\n",
           WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "was killed by SIGSEGV" : "survived?");

    st = in_child(main_exits_while_a_thread_reads, &pid);
    printf("_exit(9) in main while a thread sleeps in read: %s\n",
           WIFEXITED(st) && WEXITSTATUS(st) == 9 ? "status 9" : "other status");

    /* The child says with SIGUSR1 that its threads are made. */
    handle(SIGUSR1, on_ready);
    fflush(stdout);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        threads_sleep();
    wait_for(&ready);
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("SIGKILL to a process of four sleeping threads: %s\n",
           WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "killed" : "survived?");

    st = in_child(exec_from_a_thread, &pid);
    printf("execve from a second thread: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
