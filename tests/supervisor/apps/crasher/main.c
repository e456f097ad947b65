/*
** crasher — a test app that fails at once: prints a line and exits with
** status 3, or with -t traps (unreachable), which the supervisor should
** see as a crash.  Drives restart policies into `failed`.
*/
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  int trap = argc > 1 && !strcmp(argv[1], "-t");
  printf("crasher: %s\n", trap ? "trapping" : "exiting with 3");
  fflush(stdout);
  if (trap) __builtin_trap();
  return 3;
}
