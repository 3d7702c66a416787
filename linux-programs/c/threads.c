/* threads: POSIX threads on static glibc. Workers share a counter under a
 * mutex, keep a __thread counter of their own, meet at a barrier, pass work
 * through a condition variable, report gettid() against getpid(), are
 * joined with their results; a robust mutex whose owner exits is handed on
 * with EOWNERDEAD; a timed wait times out; and at the end one thread calls
 * exit(), which ends the whole process (exit_group) while main waits.
 * Everything printed is printed by main, in a fixed order. */
#define _GNU_SOURCE
#include "check.h"
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long mine = 100;
static pthread_barrier_t barrier;
static int serial_threads;
static pid_t tids[WORKERS], pids[WORKERS];

static void *worker(void *arg) {
    long id = (long)arg;
    tids[id] = (pid_t)syscall(SYS_gettid);
    pids[id] = getpid();
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        mine++;
        if (i % 1000 == 0)
            sched_yield();
    }
    int r = pthread_barrier_wait(&barrier);
    CHECK(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD);
    if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
        pthread_mutex_lock(&lock);
        serial_threads++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(mine * 10 + id);
}

/* A queue of one slot, filled by a producer, emptied by main. */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static int slot, full, done;

static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= 500; i++) {
        pthread_mutex_lock(&qlock);
        while (full)
            pthread_cond_wait(&qcond, &qlock);
        slot = i;
        full = 1;
        pthread_cond_broadcast(&qcond);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    while (full)
        pthread_cond_wait(&qcond, &qlock);
    done = 1;
    pthread_cond_broadcast(&qcond);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static pthread_mutex_t robust;

static void *die_holding(void *arg) {
    (void)arg;
    CHECK(pthread_mutex_lock(&robust) == 0);
    return NULL; /* the thread ends owning the lock */
}

static void *exit_the_process(void *arg) {
    (void)arg;
    printf("a thread calls exit(3) while main waits in pthread_join\n");
    exit(3);
}

int main(void) {
    pthread_t t[WORKERS];
    CHECK(pthread_barrier_init(&barrier, NULL, WORKERS) == 0);
    for (long i = 0; i < WORKERS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
    long sum = 0;
    for (int i = 0; i < WORKERS; i++) {
        void *ret;
        CHECK(pthread_join(t[i], &ret) == 0);
        CHECK((long)ret % 10 == i);
        sum += (long)ret / 10;
    }
    printf("counter %ld (want %d), each thread's own __thread counter %ld\n", counter, WORKERS * ROUNDS,
           sum / WORKERS);
    printf("main's __thread counter still %ld\n", mine);
    printf("barrier: %d serial thread\n", serial_threads);
    pid_t me = getpid();
    int distinct = 1;
    for (int i = 0; i < WORKERS; i++) {
        CHECK(pids[i] == me);
        distinct &= tids[i] != me;
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    printf("getpid() is the same in every thread; gettid() differs: %s; main's tid is its pid: %s\n",
           distinct ? "yes" : "no", syscall(SYS_gettid) == me ? "yes" : "no");

    pthread_t prod;
    CHECK(pthread_create(&prod, NULL, producer, NULL) == 0);
    long total = 0;
    pthread_mutex_lock(&qlock);
    for (;;) {
        while (!full && !done)
            pthread_cond_wait(&qcond, &qlock);
        if (full) {
            total += slot;
            full = 0;
            pthread_cond_broadcast(&qcond);
        } else if (done) {
            break;
        }
    }
    pthread_mutex_unlock(&qlock);
    CHECK(pthread_join(prod, NULL) == 0);
    printf("condition variable: received 1..500, sum %ld\n", total);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    CHECK(pthread_mutex_init(&robust, &ma) == 0);
    pthread_t owner;
    CHECK(pthread_create(&owner, NULL, die_holding, NULL) == 0);
    CHECK(pthread_join(owner, NULL) == 0);
    int r = pthread_mutex_lock(&robust);
    printf("robust mutex after its owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    CHECK(pthread_mutex_consistent(&robust) == 0);
    CHECK(pthread_mutex_unlock(&robust) == 0);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&qlock);
    r = pthread_cond_timedwait(&qcond, &qlock, &deadline);
    pthread_mutex_unlock(&qlock);
    printf("timed wait with nobody signalling: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r));

    fflush(stdout);
    pthread_t last;
    CHECK(pthread_create(&last, NULL, exit_the_process, NULL) == 0);
    pthread_join(last, NULL);
    printf("not reached\n");
    return 1;
}
