// The first program: open the console, run usertests, and power the
// machine off with its result (0 = ALL TESTS PASSED).
#include "user.h"
#include "../kernel/file.h"

int main(void) {
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE, 0);
    open("console", O_RDWR);
  }
  dup(0); // stdout
  dup(0); // stderr
  printf("init: starting usertests\n");
  int pid = fork();
  if (pid < 0) {
    printf("init: fork failed\n");
    poweroff(1);
  }
  if (pid == 0) {
    char *argv[] = {"usertests", 0};
    exec("usertests", argv);
    printf("init: exec usertests failed\n");
    exit(1);
  }
  int status = -1;
  for (;;) { // reap orphans until usertests itself ends
    int w = wait(&status);
    if (w == pid || w < 0)
      break;
  }
  printf("init: usertests exited with status %d\n", status);
  poweroff(status == 0 ? 0 : (status & 0xff) ? (status & 0xff) : 1);
}
