/*
** clock — prints the wall-clock time COUNT times, INTERVAL ms apart.
**
**   clock [-n COUNT] [-i INTERVAL_MS] [-m]
**
** Defaults: 3 ticks, 1000 ms.  -m also prints the monotonic time elapsed
** since the first tick.  -n 0 ticks forever (a long-running app to stop or
** restart).  Times come straight from WASI clock_time_get and the sleeps
** from poll_oneoff (via nanosleep), which are the calls this app exercises.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>

#include "vyoma.h"

static int usage(void) {
  fputs("usage: clock [-n COUNT] [-i INTERVAL_MS] [-m]\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  long count = 3, interval = 1000;
  int mono = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) {
      if (vy_parse_count(argv[++i], &count)) return usage();
    } else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
      if (vy_parse_count(argv[++i], &interval)) return usage();
    } else if (!strcmp(argv[i], "-m")) {
      mono = 1;
    } else {
      return usage();
    }
  }
  __wasi_timestamp_t start = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &start) != 0) {
    fputs("clock: no monotonic clock\n", stderr);
    return 1;
  }
  for (long tick = 1; count == 0 || tick <= count; tick++) {
    __wasi_timestamp_t now, mnow;
    if (__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now) != 0 ||
        __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &mnow) != 0) {
      fputs("clock: clock_time_get failed\n", stderr);
      return 1;
    }
    time_t secs = (time_t)(now / 1000000000u);
    struct tm tm;
    gmtime_r(&secs, &tm);
    printf("tick %ld: %04d-%02d-%02d %02d:%02d:%02d.%03u UTC", tick,
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
           tm.tm_sec, (unsigned)(now % 1000000000u / 1000000u));
    if (mono)
      printf(" (+%llu ms)", (unsigned long long)((mnow - start) / 1000000u));
    printf("\n");
    fflush(stdout);
    if (count != 0 && tick == count) break;
    struct timespec ts = { interval / 1000, (interval % 1000) * 1000000L };
    nanosleep(&ts, NULL);
  }
  return 0;
}
