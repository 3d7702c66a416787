// usertests: what a user program can throw at the kernel. Each test runs in
// its own child process; a test fails by exiting non-zero (or being
// killed). Prints "ALL TESTS PASSED" and exits 0 only if every test passed.
#include "user.h"

#define TRAPFRAME 0x3fffffe000UL
static char buf[8192];

// Ends the calling test as failed, saying why.
static void fail(const char *test, const char *why) {
  printf("%s: FAILED: %s\n", test, why);
  exit(1);
}

// Forks, runs fn in the child and waits; the child's exit status.
static int child_status(void (*fn)(void)) {
  int pid = fork();
  if (pid < 0)
    return -100;
  if (pid == 0) {
    fn();
    exit(0);
  }
  int status = -100;
  if (wait(&status) != pid)
    return -101;
  return status;
}

// Spawns n children running fn(i); 0 if all exited 0.
static int spawn_all(int n, void (*fn)(int)) {
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0)
      return -1;
    if (pid == 0) {
      fn(i);
      exit(0);
    }
  }
  int bad = 0;
  for (int i = 0; i < n; i++) {
    int status;
    if (wait(&status) < 0 || status != 0)
      bad = 1;
  }
  return bad ? -1 : 0;
}

// Fork until the process table is full, then reap them all.
static void forkfull(void) {
  int n;
  for (n = 0; n < 1000; n++) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      exit(0);
  }
  if (n == 1000)
    fail("forkfull", "fork never ran out of processes");
  if (n < 20)
    fail("forkfull", "fewer than 20 processes");
  for (; n > 0; n--)
    if (wait(0) < 0)
      fail("forkfull", "wait stopped early");
  if (wait(0) != -1)
    fail("forkfull", "wait found an extra child");
}

static void forkexit_child(int i) {
  for (int j = 0; j < 40; j++) {
    int pid = fork();
    if (pid < 0)
      fail("forkstorm", "fork");
    if (pid == 0)
      exit(j);
    int status;
    if (wait(&status) != pid || status != j)
      fail("forkstorm", "wrong pid or status from wait");
  }
}

// Three processes (one per hart) fork and reap children concurrently.
static void forkstorm(void) {
  if (spawn_all(3, forkexit_child) < 0)
    fail("forkstorm", "a child failed");
}

// Reads the whole file at path into buf; its length, or -1.
static int slurp(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n >= 0)
    buf[n] = 0;
  return n;
}

static void exec_echo(void) {
  close(1);
  if (open("echo-ok", O_CREATE | O_WRONLY | O_TRUNC) != 1)
    fail("exec", "create echo-ok");
  char *argv[] = {"echo", "OK", "exec", "args", 0};
  exec("echo", argv);
  fail("exec", "exec echo");
}

// exec replaces the program and passes argv; a bad path fails with -1.
static void exectest(void) {
  if (child_status(exec_echo) != 0)
    fail("exec", "echo failed");
  if (slurp("echo-ok") < 0 || strcmp(buf, "OK exec args\n") != 0)
    fail("exec", "wrong output");
  unlink("echo-ok");
  char *argv[] = {"nosuch", 0};
  if (exec("/nosuchprogram", argv) != -1)
    fail("exec", "exec of a missing file");
  if (exec("README", argv) != -1)
    fail("exec", "exec of a non-ELF file");
}

// A child writes numbered bytes through a pipe; the parent checks them.
static void pipetest(void) {
  int fds[2];
  if (pipe(fds) != 0)
    fail("pipe", "pipe()");
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    int seq = 0;
    for (int n = 0; n < 5; n++) {
      for (int i = 0; i < 1033; i++)
        buf[i] = seq++;
      if (write(fds[1], buf, 1033) != 1033)
        fail("pipe", "short write");
    }
    exit(0);
  }
  close(fds[1]);
  int seq = 0, total = 0, cc = 1, n;
  while ((n = read(fds[0], buf, cc)) > 0) {
    for (int i = 0; i < n; i++)
      if ((buf[i] & 0xff) != (seq++ & 0xff))
        fail("pipe", "wrong byte");
    total += n;
    cc = cc * 2 > (int)sizeof(buf) ? (int)sizeof(buf) : cc * 2;
  }
  if (total != 5 * 1033)
    fail("pipe", "wrong total");
  close(fds[0]);
  int status;
  wait(&status);
  if (status != 0)
    fail("pipe", "writer failed");
  // Writing to a pipe nobody reads fails.
  pipe(fds);
  close(fds[0]);
  if (write(fds[1], "x", 1) != -1)
    fail("pipe", "write with the read end closed");
  close(fds[1]);
}

static char *sbrk_top;
static void touch_freed(void) {
  *(volatile char *)(sbrk_top - 1) = 1; // must fault: the page was given back
}

// sbrk grows memory a page at a time and back; freed memory faults; an
// absurd request fails.
static void sbrktest(void) {
  char *start = sbrk(0);
  for (int i = 0; i < 100; i++) {
    char *p = sbrk(4096);
    if (p != start + i * 4096)
      fail("sbrk", "sbrk returned the wrong address");
    p[0] = i;
    p[4095] = i;
  }
  for (int i = 0; i < 100; i++)
    if (start[i * 4096] != (char)i || start[i * 4096 + 4095] != (char)i)
      fail("sbrk", "memory lost");
  if (sbrk(-100 * 4096) != start + 100 * 4096 || sbrk(0) != start)
    fail("sbrk", "shrink");
  sbrk_top = start + 4096;
  if (child_status(touch_freed) != -1)
    fail("sbrk", "freed memory still accessible");
  if (sbrk(0x7fffffff) != (char *)-1)
    fail("sbrk", "2 GiB allocation succeeded");
  char *big = sbrk(8 * 1024 * 1024); // 8 MiB, then give it back
  if (big == (char *)-1)
    fail("sbrk", "8 MiB allocation");
  big[8 * 1024 * 1024 - 1] = 7;
  sbrk(-8 * 1024 * 1024);
  if (sbrk(0) != start)
    fail("sbrk", "after 8 MiB");
}

// System calls given pointers to unmapped, kernel-only or read-only memory
// fail with -1 instead of crashing the kernel.
static void badpointers(void) {
  int fd = open("badptr", O_CREATE | O_RDWR);
  if (fd < 0)
    fail("badpointers", "create");
  if (write(fd, "0123456789", 10) != 10)
    fail("badpointers", "write");
  close(fd);
  char *addrs[] = {(char *)0, (char *)0x10, (char *)0x80000000UL, (char *)TRAPFRAME,
                   (char *)(TRAPFRAME + 4096), (char *)0xffffffffffffffffUL, sbrk(0) + 4096};
  for (int i = 0; i < (int)(sizeof(addrs) / sizeof(addrs[0])); i++) {
    char *a = addrs[i];
    fd = open("badptr", O_RDONLY);
    if (read(fd, a, 10) != -1)
      fail("badpointers", "read into a bad address");
    close(fd);
    if (write(1, a, 10) != -1)
      fail("badpointers", "write from a bad address");
    if (open(a, O_RDONLY) != -1)
      fail("badpointers", "open of a bad path address");
    if (pipe((int *)a) != -1)
      fail("badpointers", "pipe into a bad address");
    char *argv[] = {a, 0};
    if (exec("echo", (char **)a) != -1 || exec("echo", argv) != -1)
      fail("badpointers", "exec with a bad argv");
    struct stat *st = (struct stat *)a;
    fd = open("badptr", O_RDONLY);
    if (fstat(fd, st) != -1)
      fail("badpointers", "fstat into a bad address");
    close(fd);
  }
  // Reading into our own program text (mapped without PTE_W) must fail.
  fd = open("badptr", O_RDONLY);
  if (read(fd, (void *)badpointers, 10) != -1)
    fail("badpointers", "read into read-only text");
  close(fd);
  if (read(-1, buf, 1) != -1 || read(99, buf, 1) != -1 || close(99) != -1)
    fail("badpointers", "bad file descriptor");
  unlink("badptr");
}

static void null_load(void) { printf("%d\n", *(volatile int *)0); }
static void text_store(void) { *(volatile int *)null_load = 0; }
static void jump_zero(void) { ((void (*)(void))0)(); }
static void kernel_load(void) { printf("%d\n", *(volatile int *)0x80000000UL); }
static void trapframe_store(void) { *(volatile long *)TRAPFRAME = 0; }
static void guard_store(void) {
  uint64 sp;
  asm volatile("mv %0, sp" : "=r"(sp));
  *(volatile char *)(sp - 4096) = 1; // the guard page under the one-page stack
}
static void illegal_insn(void) { asm volatile(".word 0"); }
static void csr_read(void) { long x; asm volatile("csrr %0, sstatus" : "=r"(x)); }

// A process that faults is killed (exit status -1) and the others carry on.
static void faults(void) {
  void (*cases[])(void) = {null_load, text_store,      jump_zero,    kernel_load,
                           trapframe_store, guard_store, illegal_insn, csr_read};
  for (int i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++)
    if (child_status(cases[i]) != -1)
      fail("faults", "a faulting child was not killed");
}

// kill ends a child that spins in user space and one that sleeps.
static void killtest(void) {
  int spinner = fork();
  if (spinner == 0)
    for (;;)
      ;
  int sleeper = fork();
  if (sleeper == 0) {
    sleep(100000);
    exit(0);
  }
  sleep(1);
  if (kill(spinner) != 0 || kill(sleeper) != 0)
    fail("kill", "kill");
  for (int i = 0; i < 2; i++) {
    int status;
    if (wait(&status) < 0 || status != -1)
      fail("kill", "a killed child did not exit with -1");
  }
  if (kill(99999) != -1)
    fail("kill", "kill of a missing pid");
}

// sleep(n) lasts at least n ticks of uptime.
static void sleeptest(void) {
  int t0 = uptime();
  if (sleep(3) != 0)
    fail("sleep", "sleep");
  if (uptime() - t0 < 3)
    fail("sleep", "woke early");
}

static void concreate_child(int k) {
  char name[8] = "cc-X-YY";
  name[3] = 'a' + k;
  for (int i = 0; i < 16; i++) {
    name[5] = '0' + i / 10;
    name[6] = '0' + i % 10;
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      fail("concreate", "create");
    for (int j = 0; j < 8; j++) // 8 writes of 100 bytes
      if (write(fd, name, 7) != 7 || write(fd, buf, 93) != 93)
        fail("concreate", "write");
    close(fd);
  }
}

// Three processes create files in one directory at once; every file ends
// up there with its own contents.
static void concreate(void) {
  if (mkdir("ccdir") != 0 || chdir("ccdir") != 0)
    fail("concreate", "mkdir");
  if (spawn_all(3, concreate_child) < 0)
    fail("concreate", "a creator failed");
  char name[8] = "cc-X-YY";
  for (int k = 0; k < 3; k++) {
    name[3] = 'a' + k;
    for (int i = 0; i < 16; i++) {
      name[5] = '0' + i / 10;
      name[6] = '0' + i % 10;
      struct stat st;
      if (stat(name, &st) != 0 || st.size != 800 || st.type != T_FILE)
        fail("concreate", "file missing or wrong size");
      int fd = open(name, O_RDONLY);
      char head[7];
      if (read(fd, head, 7) != 7 || memcmp(head, name, 7) != 0)
        fail("concreate", "wrong contents");
      close(fd);
      if (unlink(name) != 0)
        fail("concreate", "unlink");
    }
  }
  chdir("..");
  if (unlink("ccdir") != 0)
    fail("concreate", "remove the emptied directory");
}

// A file of 200 blocks (12 direct, the rest through the indirect block)
// reads back as written, and its blocks come back after unlink.
static void bigfile(void) {
  int fd = open("big", O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    fail("bigfile", "create");
  for (int b = 0; b < 200; b++) {
    for (int i = 0; i < 1024; i += 4)
      *(int *)(buf + i) = b * 1024 + i;
    if (write(fd, buf, 1024) != 1024)
      fail("bigfile", "write");
  }
  close(fd);
  fd = open("big", O_RDONLY);
  for (int b = 0; b < 200; b++) {
    if (read(fd, buf, 1024) != 1024)
      fail("bigfile", "short read");
    for (int i = 0; i < 1024; i += 4)
      if (*(int *)(buf + i) != b * 1024 + i)
        fail("bigfile", "wrong data");
  }
  if (read(fd, buf, 1) != 0)
    fail("bigfile", "data after the end");
  close(fd);
  if (unlink("big") != 0)
    fail("bigfile", "unlink");
  // MAXFILE is 12 + 256 blocks: a write past it fails.
  fd = open("big2", O_CREATE | O_RDWR);
  int n = 0;
  while (write(fd, buf, 1024) == 1024)
    n++;
  close(fd);
  unlink("big2");
  if (n != 268)
    fail("bigfile", "file size limit is not 268 blocks");
}

// mkdir, chdir, "..", link and unlink, and what must fail among them.
static void dirtest(void) {
  if (mkdir("dd") != 0 || mkdir("dd") != -1)
    fail("dirs", "mkdir twice");
  if (mkdir("dd/ee") != 0 || chdir("dd/ee") != 0)
    fail("dirs", "nested mkdir/chdir");
  int fd = open("ff", O_CREATE | O_WRONLY);
  if (fd < 0 || write(fd, "hello", 5) != 5)
    fail("dirs", "create in nested dir");
  close(fd);
  if (chdir("../..") != 0 || slurp("dd/ee/ff") != 5 || strcmp(buf, "hello") != 0)
    fail("dirs", "read through a path");
  if (link("dd/ee/ff", "dd/gg") != 0 || slurp("dd/gg") != 5)
    fail("dirs", "link");
  struct stat st;
  if (stat("dd/gg", &st) != 0 || st.nlink != 2)
    fail("dirs", "nlink after link");
  if (link("dd", "dd2") != -1)
    fail("dirs", "link to a directory");
  if (unlink("dd/ee") != -1)
    fail("dirs", "unlink of a non-empty directory");
  if (unlink("dd/ee/ff") != 0 || slurp("dd/ee/ff") != -1 || slurp("dd/gg") != 5)
    fail("dirs", "unlink of one name");
  if (open("dd/ee", O_WRONLY) != -1 || open("dd/gg/x", O_CREATE) != -1)
    fail("dirs", "write-open of a directory, or a file used as a directory");
  if (chdir("dd/gg") != -1 || unlink("dd/.") != -1 || unlink("dd/..") != -1)
    fail("dirs", "chdir to a file, or unlink of . or ..");
  if (unlink("dd/ee") != 0 || unlink("dd/gg") != 0 || unlink("dd") != 0)
    fail("dirs", "clean up");
  if (stat("dd", &st) != -1)
    fail("dirs", "dd still there");
  char longname[40];
  memset(longname, 'x', 30);
  longname[30] = 0; // names are cut to DIRSIZ (14)
  if ((fd = open(longname, O_CREATE | O_RDWR)) < 0)
    fail("dirs", "create long name");
  close(fd);
  longname[14] = 0;
  if (unlink(longname) != 0)
    fail("dirs", "long name not cut to 14");
}

// dup shares the file offset; fstat reports size and type; a file opened
// read-only cannot be written.
static void fdtest(void) {
  int fd = open("fdfile", O_CREATE | O_RDWR | O_TRUNC);
  int fd2 = dup(fd);
  if (fd < 0 || fd2 < 0 || write(fd, "abc", 3) != 3 || write(fd2, "def", 3) != 3)
    fail("fds", "dup write");
  struct stat st;
  if (fstat(fd2, &st) != 0 || st.size != 6 || st.type != T_FILE)
    fail("fds", "fstat");
  close(fd);
  close(fd2);
  if (slurp("fdfile") != 6 || strcmp(buf, "abcdef") != 0)
    fail("fds", "shared offset");
  fd = open("fdfile", O_RDONLY);
  if (write(fd, "x", 1) != -1)
    fail("fds", "write to a read-only descriptor");
  close(fd);
  int fds[16], n = 0;
  while (n < 16 && (fds[n] = open("fdfile", O_RDONLY)) >= 0)
    n++;
  if (n == 16)
    fail("fds", "more than NOFILE open files");
  while (n > 0)
    close(fds[--n]);
  unlink("fdfile");
}

#define MEMPAGES 48
static char *mem;

static void memchild(int k) {
  for (int i = 0; i < MEMPAGES * 4096; i += 512)
    if (mem[i] != (char)(i / 512))
      fail("memory", "a child sees the wrong copy");
  for (int i = 0; i < MEMPAGES * 4096; i += 512)
    mem[i] = 100 + k;
  sleep(1); // others run meanwhile, on other harts
  for (int i = 0; i < MEMPAGES * 4096; i += 512)
    if (mem[i] != (char)(100 + k))
      fail("memory", "a child's memory changed under it");
}

// fork copies memory: three children on three harts each change their
// copy, and neither the parent nor a sibling sees it.
static void memtest(void) {
  mem = sbrk(MEMPAGES * 4096);
  for (int i = 0; i < MEMPAGES * 4096; i += 512)
    mem[i] = i / 512;
  if (spawn_all(3, memchild) < 0)
    fail("memory", "a child failed");
  for (int i = 0; i < MEMPAGES * 4096; i += 512)
    if (mem[i] != (char)(i / 512))
      fail("memory", "the parent's memory changed");
}

static int shell_pipe[2];
static void run_shell(void) {
  close(0);
  dup(shell_pipe[0]);
  close(shell_pipe[0]);
  close(shell_pipe[1]);
  close(1);
  if (open("shout", O_CREATE | O_WRONLY | O_TRUNC) != 1)
    fail("shell", "create shout");
  close(2);
  dup(1);
  char *argv[] = {"sh", 0};
  exec("sh", argv);
  fail("shell", "exec sh");
}

// The shell runs a pipeline and redirections fed to it on its stdin.
static void shelltest(void) {
  pipe(shell_pipe);
  int pid = fork();
  if (pid == 0)
    run_shell();
  char *script = "echo one two | cat > shtmp\ncat < shtmp\necho three\n";
  write(shell_pipe[1], script, strlen(script));
  close(shell_pipe[0]);
  close(shell_pipe[1]);
  int status;
  if (wait(&status) != pid || status != 0)
    fail("shell", "sh failed");
  if (slurp("shout") < 0 || strcmp(buf, "$ $ one two\n$ three\n$ ") != 0)
    fail("shell", "wrong output");
  unlink("shout");
  unlink("shtmp");
}

struct test {
  void (*fn)(void);
  char *name;
};

int main(void) {
  struct test tests[] = {
    {forkfull, "forkfull"},   {forkstorm, "forkstorm"}, {exectest, "exec"},
    {pipetest, "pipe"},       {sbrktest, "sbrk"},       {badpointers, "badpointers"},
    {faults, "faults"},       {killtest, "kill"},       {sleeptest, "sleep"},
    {concreate, "concreate"}, {bigfile, "bigfile"},     {dirtest, "dirs"},
    {fdtest, "fds"},          {memtest, "memory"},      {shelltest, "shell"},
  };
  int failed = 0;
  printf("usertests starting\n");
  for (int i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++) {
    printf("test %s: ", tests[i].name);
    int status = child_status(tests[i].fn);
    if (status == 0) {
      printf("OK\n");
    } else {
      printf("FAILED (status %d)\n", status);
      failed++;
    }
  }
  if (failed) {
    printf("SOME TESTS FAILED: %d\n", failed);
    return failed;
  }
  printf("ALL TESTS PASSED\n");
  return 0;
}
