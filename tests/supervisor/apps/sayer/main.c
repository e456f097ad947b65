/*
** sayer — a test app that writes each argument as one stdout line (so
** "@logger: hi" is an IPC send), then logs every line it receives for
** WAIT ms (first argument "-w MS", default 3000) as "sayer got [SENDER]
** PAYLOAD" — never with a leading "@", which would be sent again.
*/
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vyoma.h"

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  int i = 1;
  long wait = 3000;
  if (argc > 2 && !strcmp(argv[1], "-w")) {
    wait = atol(argv[2]);
    i = 3;
  }
  for (; i < argc; i++) printf("%s\n", argv[i]);
  fflush(stdout);
  long long end = now_ms() + wait;
  char buf[8192];
  size_t len = 0;
  for (;;) {
    long long left = end - now_ms();
    if (left <= 0) break;
    struct pollfd p = { .fd = 0, .events = POLLIN };
    if (poll(&p, 1, (int)left) <= 0) continue;
    ssize_t n = read(0, buf + len, sizeof buf - 1 - len);
    if (n <= 0) break;
    len += (size_t)n;
    char *nl;
    while ((nl = memchr(buf, '\n', len)) != NULL) {
      *nl = 0;
      vy_msg m;
      if (vy_parse(buf, &m))
        printf("sayer got [%s] %s\n", m.sender, m.payload);
      else
        printf("sayer got %s\n", buf);
      len -= (size_t)(nl - buf) + 1;
      memmove(buf, nl + 1, len);
    }
    if (len == sizeof buf - 1) len = 0;
    fflush(stdout);
  }
  puts("sayer: done");
  return 0;
}
