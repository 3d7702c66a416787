/* libshare: two processes running a dynamically linked program share the
 * text of its libraries. The parent has libc.so.6 mapped (ld.so mapped it
 * at start) and has run its stdio; it forks, and the child execs the
 * program anew, so ld.so maps libc.so.6 again, from the page cache: the
 * frames are the parent's. The child shows its libc text mapping from
 * /proc/self/maps and, with -v, its Shared_Clean from
 * /proc/self/smaps_rollup (pages another process maps too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The line of /proc/self/maps for libc's text, its file name only. */
static int show_libc_text(void) {
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    if (!maps) {
        perror("/proc/self/maps");
        return 0;
    }
    while (fgets(line, sizeof line, maps)) {
        const char *name = strrchr(line, '/');
        if (name && strstr(line, " r-xp ") && strcmp(name, "/libc.so.6\n") == 0) {
            printf("child: libc text (r-xp) mapped from %s", name + 1);
            found = 1;
        }
    }
    fclose(maps);
    return found;
}

static long shared_clean_kb(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "Shared_Clean: %ld kB", &kb) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

int main(int argc, char **argv) {
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        int found = show_libc_text();
        if (argc > 2 && strcmp(argv[2], "-v") == 0) {
            printf("child: Shared_Clean %ld kB\n", shared_clean_kb());
        }
        return found ? 0 : 1;
    }
    printf("parent: libc's stdio runs\n");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        char *child_argv[] = {argv[0], "child", verbose ? "-v" : NULL, NULL};
        execv(argv[0], child_argv);
        perror("execv");
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    printf("parent: the child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
