/*
** flooder — a test app that sends "@TARGET: flood N" as fast as it can,
** COUNT times (0: forever), and counts the broker's error replies on its
** stdin by kind.  Every 500 messages, and at the end once no reply has
** come for 500 ms, it logs
**   flooder: sent=N rate_limited=R queue_full=Q other=O
**   flooder [-n COUNT] [-t TARGET]          (defaults: forever, sink)
*/
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vyoma.h"

static unsigned long rate_limited, queue_full, other;

/* counts error replies waiting on stdin; waits up to wait_ms for the
** first one (0: does not block) */
static void drain(int wait_ms) {
  static char buf[8192];
  static size_t len;
  struct pollfd p = { .fd = 0, .events = POLLIN };
  while (poll(&p, 1, wait_ms) > 0) {
    ssize_t n = read(0, buf + len, sizeof buf - len);
    if (n <= 0) return;
    len += (size_t)n;
    char *nl;
    while ((nl = memchr(buf, '\n', len)) != NULL) {
      *nl = 0;
      if (strstr(buf, "error rate-limited"))
        rate_limited++;
      else if (strstr(buf, "error queue-full"))
        queue_full++;
      else
        other++;
      len -= (size_t)(nl - buf) + 1;
      memmove(buf, nl + 1, len);
    }
    if (len == sizeof buf) len = 0;
  }
}

int main(int argc, char **argv) {
  long count = 0;
  const char *target = "sink";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "-n"))
      count = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "-t"))
      target = argv[i + 1];
  }
  for (long n = 1; count == 0 || n <= count; n++) {
    if (vy_send(target, "flood %ld", n) != 0) return 1;
    if (n % 50 == 0) drain(0);
    if (n % 500 == 0) {
      printf("flooder: sent=%ld rate_limited=%lu queue_full=%lu other=%lu\n", n,
             rate_limited, queue_full, other);
      fflush(stdout);
    }
  }
  /* the last replies may still be on their way: collect until quiet, so
  ** that delivered + refused adds up to sent */
  drain(500);
  printf("flooder: done sent=%ld rate_limited=%lu queue_full=%lu other=%lu\n",
         count, rate_limited, queue_full, other);
  return 0;
}
