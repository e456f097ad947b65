/*
** otaprobe — the boot test's critical app (tests/boot/run.sh, updates):
** says which system it belongs to ("otaprobe: system v1", from its first
** argument, which each update bundle's manifest changes) and stays up; with
** the argument "crash" it exits 1 at once, the crash loop that fails an
** update's trial.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  const char *v = argc > 1 ? argv[1] : "v1";
  if (!strcmp(v, "crash")) {
    puts("otaprobe: crashing on start");
    return 1;
  }
  printf("otaprobe: system %s\n", v);
  fflush(stdout);
  for (;;) {
    struct timespec ts = { 3600, 0 };
    nanosleep(&ts, NULL);
  }
}
