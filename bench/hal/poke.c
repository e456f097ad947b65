/*
** poke.c — bench/hal's outside poker for the wasm edge runs (bench/hal.sh):
** drives the sim board's button through its state folder, as a test would,
** while the app (wasm.c's `halbench edge N`) runs under `vyoma run` or a
** real vyomad.
**   halbench-poke DIR N [TIMEOUT_S]
** Waits up to TIMEOUT_S (default 20) for DIR/gpio-17, the LED, to read 1
** (the app holds the button: ready), then N times: sleeps GAP_US, writes
** "1\n" or "0\n" to DIR/gpio-27 (the sim's inotify thread turns it into a
** poke and takes the edge's timestamp), and waits up to 2 s for the LED to
** show the app's acknowledgement (the level it saw, inverted).  So edges
** never queue and the app is asleep in its wait at each poke.  The LED is
** watched with inotify (the sim rewrites gpio-17 by rename), not polled,
** so the poker costs no CPU between edges.  Prints "poked K" on stderr;
** exits 0 if all N were acknowledged, else 1.  The latency itself is the
** app's figure, from the sim's timestamp: this program's own delays do
** not count in it.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define GAP_US 1000 /* as native.c's poker thread */

static char led[4096], button[4096];
static int ino = -1;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the LED's level: '0', '1', or 0 when it cannot be read (yet) */
static char led_level(void) {
  char c = 0;
  int fd = open(led, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  if (read(fd, &c, 1) != 1) c = 0;
  close(fd);
  return c == '0' || c == '1' ? c : 0;
}

/* waits up to ms for the LED to read want; true if it did */
static int wait_led(char want, long long ms) {
  long long end = now_ms() + ms;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    if (led_level() == want) return 1;
    long long left = end - now_ms();
    if (left <= 0) return 0;
    struct pollfd p = { ino, POLLIN, 0 };
    if (poll(&p, 1, (int)left) > 0)
      while (read(ino, buf, sizeof buf) > 0) continue; /* drained: re-read */
  }
}

static int poke(int level) {
  int fd = open(button, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return -1;
  int ok = write(fd, level ? "1\n" : "0\n", 2) == 2;
  return close(fd) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fputs("usage: halbench-poke DIR N [TIMEOUT_S]\n", stderr);
    return 2;
  }
  long n = atol(argv[2]);
  long long timeout_ms = (argc == 4 ? atol(argv[3]) : 20) * 1000LL;
  snprintf(led, sizeof led, "%s/gpio-17", argv[1]);
  snprintf(button, sizeof button, "%s/gpio-27", argv[1]);
  ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  /* the folder may not be there yet: the board makes it when it opens */
  long long end = now_ms() + timeout_ms;
  while (ino >= 0 &&
         inotify_add_watch(ino, argv[1], IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    if (errno != ENOENT || now_ms() >= end) {
      fprintf(stderr, "halbench-poke: %s: %s\n", argv[1], strerror(errno));
      return 1;
    }
    usleep(10000);
  }
  if (ino < 0) {
    perror("halbench-poke: inotify");
    return 1;
  }
  long k = 0;
  if (wait_led('1', end - now_ms())) {
    const struct timespec gap = { 0, GAP_US * 1000L };
    for (; k < n; k++) {
      nanosleep(&gap, NULL);
      int level = k % 2 == 0;
      if (poke(level) != 0 || !wait_led(level ? '0' : '1', 2000)) break;
    }
  }
  fprintf(stderr, "poked %ld\n", k);
  return k == n ? 0 : 1;
}
