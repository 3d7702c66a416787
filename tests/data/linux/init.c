/* /init of the test kernel (scripts/build-linux.sh): prints what Linux found
 * of the board and of its own virtual memory, then powers off through
 * reboot(2), which Linux passes to SBI SRST and OpenSBI to the test finisher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_lines(const char *path, const char *prefix) {
    FILE *f = fopen(path, "r");
    char line[256];
    int n = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

/* Field 10 of /proc/self/stat: minor page faults of this process. */
static long minor_faults(void) {
    FILE *f = fopen("/proc/self/stat", "r");
    char buf[512];
    long v = -1;
    if (!f)
        return -1;
    if (fgets(buf, sizeof buf, f)) {
        char *p = strrchr(buf, ')');
        for (int field = 2; p && field < 10; field++)
            p = strchr(p + 1, ' ');
        if (p)
            v = strtol(p + 1, NULL, 10);
    }
    fclose(f);
    return v;
}

int main(void) {
    struct utsname u;
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        perror("mount /proc");
    uname(&u);
    printf("init: %s %s %s\n", u.sysname, u.release, u.machine);
    printf("init: harts online: %d\n", count_lines("/proc/cpuinfo", "processor"));

    /* Demand paging: 64 pages touched, 64 more minor faults. */
    long before = minor_faults();
    char *p = mmap(NULL, 64 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 64; i++)
        p[i << 12] = (char)i;
    long after = minor_faults();
    printf("init: 64 pages touched, %s\n", after - before >= 64 ? "at least 64 minor faults" : "too few faults");

    /* Copy-on-write: the child's write is not seen by the parent. */
    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 99;
        _exit(p[0]);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("init: child exited %d, parent still sees %d\n", WEXITSTATUS(status), p[0]);

    printf("init: powering off\n");
    fflush(stdout);
    reboot(RB_POWER_OFF);
    perror("reboot");
    return 1;
}
