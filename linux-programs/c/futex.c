/* futex: the futex(2) operations called directly, with what Linux returns:
 * EAGAIN when the word differs, ETIMEDOUT for relative and absolute
 * timeouts (FUTEX_CLOCK_REALTIME too), EFAULT and EINVAL for bad words,
 * wakes counted, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE moving waiters from
 * one word to another, bitsets choosing whom FUTEX_WAKE_BITSET wakes, and a
 * shared (not private) futex between two processes on MAP_SHARED memory. */
#define _GNU_SOURCE
#include "check.h"
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long futex(uint32_t *uaddr, int op, uint32_t val, const void *timeout, uint32_t *uaddr2, uint32_t val3) {
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static const char *result(long r) {
    static char buf[32];
    if (r >= 0) {
        snprintf(buf, sizeof buf, "%ld", r);
        return buf;
    }
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EINTR: return "EINTR";
    default: return strerror(errno);
    }
}

static uint32_t word_a, word_b, started;

/* A waiter on word_a (bitset `arg`); counts itself in `started` first. */
static void *waiter(void *arg) {
    uint32_t bits = (uint32_t)(uintptr_t)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    long r = futex(&word_a, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, bits);
    return (void *)(intptr_t)(r == 0 ? 0 : -errno);
}

/* Starts n waiters and lets them all reach their wait. */
static void start(pthread_t *t, int n, uint32_t bits) {
    started = 0;
    for (int i = 0; i < n; i++)
        CHECK(pthread_create(&t[i], NULL, waiter, (void *)(uintptr_t)bits) == 0);
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) != (uint32_t)n)
        sched_yield();
    for (int i = 0; i < 50; i++)
        sched_yield();
}

static void join_all(pthread_t *t, int n) {
    for (int i = 0; i < n; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r) == 0);
        CHECK(r == NULL);
    }
}

int main(void) {
    uint32_t w = 1;
    struct timespec ms10 = {0, 10 * 1000 * 1000};
    printf("WAIT, value differs: %s\n", result(futex(&w, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0)));
    printf("WAIT, 10 ms timeout: %s\n", result(futex(&w, FUTEX_WAIT_PRIVATE, 1, &ms10, NULL, 0)));
    struct timespec now, soon;
    clock_gettime(CLOCK_MONOTONIC, &now);
    soon = now;
    soon.tv_nsec += 10 * 1000 * 1000;
    if (soon.tv_nsec >= 1000000000) {
        soon.tv_sec++;
        soon.tv_nsec -= 1000000000;
    }
    printf("WAIT_BITSET, absolute monotonic deadline: %s\n",
           result(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, &soon, NULL, FUTEX_BITSET_MATCH_ANY)));
    clock_gettime(CLOCK_REALTIME, &now);
    printf("WAIT_BITSET | CLOCK_REALTIME, deadline now: %s\n",
           result(futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &now, NULL, FUTEX_BITSET_MATCH_ANY)));
    printf("WAIT | CLOCK_REALTIME: %s\n", result(futex(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &ms10, NULL, 0)));
    struct timespec bad = {0, 1000000000};
    printf("WAIT, tv_nsec 10^9: %s\n", result(futex(&w, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0)));
    printf("WAIT, misaligned word: %s\n", result(futex((uint32_t *)((char *)&w + 1), FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0)));
    printf("WAIT on address 0: %s\n", result(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
    printf("WAIT_BITSET with bitset 0: %s\n", result(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0)));
    printf("WAKE, nobody waits: %s\n", result(futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));

    pthread_t t[4];
    start(t, 3, FUTEX_BITSET_MATCH_ANY);
    printf("WAKE 2 of 3 waiters: %s\n", result(futex(&word_a, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0)));
    printf("WAKE the rest: %s\n", result(futex(&word_a, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0)));
    join_all(t, 3);

    start(t, 4, FUTEX_BITSET_MATCH_ANY);
    printf("CMP_REQUEUE, value differs: %s\n",
           result(futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &word_b, 7)));
    printf("CMP_REQUEUE, wake 1, move 2: %s\n",
           result(futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &word_b, 0)));
    printf("REQUEUE, wake 0, move 5: %s\n", result(futex(&word_a, FUTEX_REQUEUE_PRIVATE, 0, (void *)5, &word_b, 0)));
    printf("WAKE on the first word: %s\n", result(futex(&word_a, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0)));
    printf("WAKE on the second word: %s\n", result(futex(&word_b, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0)));
    join_all(t, 4);

    start(t, 2, 0x1);
    start(t + 2, 2, 0x2);
    printf("WAKE_BITSET 0x2: %s\n", result(futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0x2)));
    printf("WAKE_BITSET 0x1: %s\n", result(futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0x1)));
    join_all(t, 4);

    /* Shared: a child waits on a word in MAP_SHARED memory, without
     * FUTEX_PRIVATE_FLAG; the parent sets it and wakes it. */
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    shared[0] = 0;
    shared[1] = 0;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        __atomic_store_n(&shared[1], 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) == 0)
            futex(&shared[0], FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(shared[0] == 42 ? 0 : 1);
    }
    while (__atomic_load_n(&shared[1], __ATOMIC_SEQ_CST) == 0)
        sched_yield();
    for (int i = 0; i < 50; i++)
        sched_yield();
    __atomic_store_n(&shared[0], 42, __ATOMIC_SEQ_CST);
    int status = 0, reaped = 0;
    /* Until the child is asleep on the word (one woken), or already gone. */
    while (futex(&shared[0], FUTEX_WAKE, 1, NULL, NULL, 0) == 0) {
        if (waitpid(child, &status, WNOHANG) == child) {
            reaped = 1;
            break;
        }
        sched_yield();
    }
    if (!reaped)
        CHECK(waitpid(child, &status, 0) == child);
    printf("shared futex across fork: the child woke and exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("WAKE on an unmapped private word: %s\n",
           result(futex((uint32_t *)0x10, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));
    printf("WAKE on an unmapped shared word: %s\n", result(futex((uint32_t *)0x10, FUTEX_WAKE, 1, NULL, NULL, 0)));
    return 0;
}
