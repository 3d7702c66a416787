/* env: argv and the environment as the kernel lays them out on the stack:
 * argument count and text, getenv, setenv/unsetenv. The test starts the
 * program with the environment init gives (HOME=/ PATH=/bin TERM=vt100). */
#include <string.h>
#include "check.h"

extern char **environ;

int main(int argc, char **argv) {
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0]; /* the directory differs between systems */
    printf("argc %d, program %s\n", argc, base);
    for (int i = 1; i < argc; i++) printf("argv[%d] = [%s]\n", i, argv[i]);
    CHECK(argv[argc] == NULL);

    const char *home = getenv("HOME"), *path = getenv("PATH");
    CHECK(home != NULL && path != NULL);
    printf("HOME=%s\nPATH=%s\n", home, path);
    CHECK(getenv("SV39_NOT_SET") == NULL);
    int n = 0;
    for (char **e = environ; *e; e++) {
        CHECK(strchr(*e, '=') != NULL);
        n++;
    }
    CHECK(setenv("SV39_GREETING", "hello there", 0) == 0);
    CHECK(strcmp(getenv("SV39_GREETING"), "hello there") == 0);
    CHECK(setenv("SV39_GREETING", "ignored", 0) == 0 && strcmp(getenv("SV39_GREETING"), "hello there") == 0);
    CHECK(unsetenv("SV39_GREETING") == 0 && getenv("SV39_GREETING") == NULL);
    printf("setenv, getenv, unsetenv agree\n");
    return 0;
}
