/* exit: exits with the code in argv[1] through exit(), so the atexit handler
 * runs and stdio is flushed on the way out. */
#include "check.h"

static void goodbye(void) {
    printf("atexit handler ran\n");
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    int code = atoi(argv[1]);
    CHECK(atexit(goodbye) == 0);
    printf("exiting with %d\n", code);
    exit(code);
}
