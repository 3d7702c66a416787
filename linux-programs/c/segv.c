/* segv: a store to an unmapped address; the default action of SIGSEGV kills
 * the process, so the shell's view of the status is 128 + 11. */
#include "check.h"

int main(void) {
    printf("storing to address 16\n");
    fflush(stdout); /* the kill loses whatever stdio still holds */
    int *volatile bad = (int *)16; /* volatile: the compiler cannot see it is bad */
    *bad = 1;
    printf("still alive after the store\n");
    return 1;
}
