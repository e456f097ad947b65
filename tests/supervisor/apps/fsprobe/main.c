/*
** fsprobe — a test app that reports whether it can see /data: writes
** /data/probe.txt and prints "fsprobe: /data visible", or prints
** "fsprobe: no /data (REASON)".  Then it waits on stdin, so it stays
** around to be inspected.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  FILE *f = fopen("/data/probe.txt", "w");
  if (f) {
    fputs("probe\n", f);
    fclose(f);
    puts("fsprobe: /data visible");
  } else {
    printf("fsprobe: no /data (%s)\n", strerror(errno));
  }
  fflush(stdout);
  char buf[256];
  while (read(0, buf, sizeof buf) > 0) {}
  return 0;
}
