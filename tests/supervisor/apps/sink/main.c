/*
** sink — a test app that reads and counts every line it receives; logs
** "sink: received N" whenever the count changed, at most every 100 ms
** (and once more when input stays quiet, so the last count is logged).
*/
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void) {
  char buf[8192];
  unsigned long lines = 0, shown = 0;
  long long last = 0;
  puts("sink: ready");
  fflush(stdout);
  for (;;) {
    struct pollfd p = { .fd = 0, .events = POLLIN };
    int r = poll(&p, 1, lines != shown ? 100 : -1);
    if (r > 0) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
    }
    long long t = now_ms();
    if (lines != shown && (r == 0 || t - last >= 100)) {
      printf("sink: received %lu\n", lines);
      fflush(stdout);
      shown = lines;
      last = t;
    }
  }
  printf("sink: received %lu\n", lines);
  return 0;
}
