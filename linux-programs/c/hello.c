/* hello: the smallest static glibc program: start-up (TLS, IRELATIVE
 * relocations, stdio) and one line out. */
#include "check.h"

int main(void) {
    CHECK(printf("Hello from C (static glibc)\n") == 28);
    return 0;
}
