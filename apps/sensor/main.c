/*
** sensor — a sensor-like producer: every INTERVAL ms it sends a reading
**   @consumer: temp=21.5 seq=N
** to TARGET.  The temperature is simulated (a slow deterministic wobble
** around 21.5 C) so runs are reproducible.  Between readings it drains
** its stdin, logging error replies from @sys (say, no consumer running).
**
**   sensor [-n COUNT] [-i INTERVAL_MS] [-t TARGET]
**
** Defaults: forever (-n 0), 1000 ms, target consumer.  Exits 0 after COUNT
** readings, at end of input, or on "@sys: shutdown".
*/
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vyoma.h"

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int usage(void) {
  fputs("usage: sensor [-n COUNT] [-i INTERVAL_MS] [-t TARGET]\n", stderr);
  return 2;
}

/* Logs the error replies among what arrived on stdin; 0 at end of input
** or on "@sys: shutdown" (the supervisor stopping). */
static int drain(void) {
  static char buf[VY_LINE_MAX];
  static size_t len;
  ssize_t n = read(0, buf + len, sizeof buf - len);
  if (n == 0) return 0;
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
  len += (size_t)n;
  char *nl;
  while ((nl = memchr(buf, '\n', len)) != NULL) {
    *nl = 0;
    vy_msg m;
    if (vy_parse(buf, &m)) {
      if (!strcmp(m.sender, "sys") && !strcmp(m.payload, "shutdown")) return 0;
      printf("sensor: from %s: %s\n", m.sender, m.payload);
    }
    size_t used = (size_t)(nl - buf) + 1;
    len -= used;
    memmove(buf, nl + 1, len);
  }
  if (len == sizeof buf) len = 0; /* an overlong line: dropped */
  fflush(stdout);
  return 1;
}

int main(int argc, char **argv) {
  long count = 0, interval = 1000;
  const char *target = "consumer";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) {
      if (vy_parse_count(argv[++i], &count)) return usage();
    } else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
      if (vy_parse_count(argv[++i], &interval)) return usage();
    } else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
      target = argv[++i];
    } else {
      return usage();
    }
  }
  int64_t next = now_ms();
  for (long seq = 1; count == 0 || seq <= count; seq++) {
    /* 21.5 C +- 1.0, in tenths: integer maths keeps it exact */
    long tenths = 215 + (long)((seq * 7) % 21) - 10;
    if (vy_send(target, "temp=%ld.%ld seq=%ld", tenths / 10, tenths % 10,
                seq) != 0)
      return 1;
    if (count != 0 && seq == count) break;
    next += interval;
    for (;;) {
      int64_t left = next - now_ms();
      if (left <= 0) break;
      struct pollfd p = { .fd = 0, .events = POLLIN };
      int r = poll(&p, 1, (int)left);
      if (r > 0 && !drain()) return 0;
      if (r < 0 && errno != EINTR) return 1;
    }
  }
  return 0;
}
