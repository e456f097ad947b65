/*
** quiet — a test app for the health watchdog: prints "quiet: beat N"
** every INTERVAL ms for COUNT beats, then goes silent (sleeps) forever.
**   quiet [COUNT [INTERVAL_MS]]      defaults 3, 100
** With `[lifecycle] heartbeat` in its manifest the supervisor should
** restart it once the beats stop.
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 3;
  long interval = argc > 2 ? atol(argv[2]) : 100;
  struct timespec ts = { interval / 1000, (interval % 1000) * 1000000L };
  for (long i = 1; i <= count; i++) {
    printf("quiet: beat %ld\n", i);
    fflush(stdout);
    nanosleep(&ts, NULL);
  }
  puts("quiet: going silent");
  fflush(stdout);
  for (;;) {
    struct timespec h = { 3600, 0 };
    nanosleep(&h, NULL);
  }
}
